/**
 * `npm run test:faults`: jest.config.js's ESM set-up, but only the fault scenarios (test/faults/*.faults.ts,
 * which the default testMatch never picks up), one file at a time (they start real clusters and time them),
 * with long timeouts.
 */
import base from '../../jest.config.js';

export default {
  ...base,
  rootDir: '../..',
  testMatch: ['<rootDir>/test/faults/**/*.faults.ts'],
  maxWorkers: 1,
  testTimeout: 180000,
};
