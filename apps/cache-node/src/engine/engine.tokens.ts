/** DI tokens for the engine's interface-typed providers (classes are their own tokens). */
export const EVICTION_POLICY = Symbol('EVICTION_POLICY');
