/** `node --import ./test/faults/register-ts.mjs file.ts`: runs TypeScript through ts-hooks.mjs (see there why). */
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
