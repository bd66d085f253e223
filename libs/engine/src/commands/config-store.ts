/**
 * The node's configuration parameters, named as in redis.conf: parsing, validation, CONFIG GET/SET, and hooks
 * that apply a change to the running node. Boot-time sources (flags, env, file) go through the same `set`, so a
 * bad value fails the same way everywhere.
 */
export type ParamKind = 'memory' | 'integer' | 'enum' | 'bool' | 'string' | 'save';

export interface ParamSpec {
  readonly name: string;
  readonly kind: ParamKind;
  readonly default: string;
  /** Can CONFIG SET change it at run time? (Boot-only parameters are "immutable config" in Redis.) */
  readonly mutable: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  /** Sensitive values (requirepass) are never logged. */
  readonly sensitive?: boolean;
  /** One line for docs/configuration.md and `ringcache node --help`. */
  readonly help: string;
  /** Extra check on the canonical value: returns a reason to refuse it, or undefined. */
  readonly validate?: (value: string) => string | undefined;
}

/** A rejected value; `message` says why in Redis's words ("argument must be a memory value"). */
export class ConfigError extends Error {
  constructor(readonly param: string, reason: string) {
    super(reason);
    this.name = 'ConfigError';
  }
}

const UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1000, kb: 1024, m: 1000 ** 2, mb: 1024 ** 2, g: 1000 ** 3, gb: 1024 ** 3,
};

/** Parse a redis.conf memory value: "100mb", "1gb", "64m", "1024" (bytes). Case-insensitive, as Redis. */
export function parseMemory(text: string): number | undefined {
  const m = /^(\d+)([a-z]*)$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = UNITS[m[2].toLowerCase()];
  if (unit === undefined) return undefined;
  const n = Number(m[1]) * unit;
  return Number.isSafeInteger(n) ? n : undefined;
}

function parseBool(text: string): boolean | undefined {
  const t = text.toLowerCase();
  return t === 'yes' ? true : t === 'no' ? false : undefined;
}

/** Redis `save` syntax: "" or pairs of "<seconds> <changes>". */
function validSave(text: string): boolean {
  const parts = text.trim().split(/\s+/).filter(Boolean);
  return parts.length % 2 === 0 && parts.every((p) => /^\d+$/.test(p));
}

export type ConfigListener = (name: string, value: string) => void;

/** Holds the current value (canonical text) of each parameter. */
export class ConfigStore {
  private readonly specs = new Map<string, ParamSpec>();
  private readonly values = new Map<string, string>();
  private readonly listeners: ConfigListener[] = [];

  constructor(specs: readonly ParamSpec[]) {
    for (const spec of specs) {
      this.specs.set(spec.name, spec);
      this.values.set(spec.name, spec.default);
    }
  }

  has(name: string): boolean {
    return this.specs.has(name.toLowerCase());
  }

  spec(name: string): ParamSpec | undefined {
    return this.specs.get(name.toLowerCase());
  }

  allSpecs(): IterableIterator<ParamSpec> {
    return this.specs.values();
  }

  get(name: string): string {
    const v = this.values.get(name.toLowerCase());
    if (v === undefined) throw new Error(`unknown config parameter ${name}`);
    return v;
  }

  getNumber(name: string): number {
    const spec = this.spec(name);
    const text = this.get(name);
    return spec?.kind === 'memory' ? (parseMemory(text) ?? 0) : Number(text);
  }

  getBool(name: string): boolean {
    return this.get(name) === 'yes';
  }

  /** Called after every successful set (boot or CONFIG SET), to apply the change to the running node. */
  onChange(listener: ConfigListener): void {
    this.listeners.push(listener);
  }

  /**
   * Validate and store a value; returns the canonical text stored. Throws ConfigError with Redis's reason.
   * `atBoot` allows immutable parameters.
   */
  set(name: string, raw: string, atBoot = false): string {
    const key = name.toLowerCase();
    const value = this.check(name, raw, atBoot);
    this.values.set(key, value);
    for (const listener of this.listeners) listener(key, value);
    return value;
  }

  /** Validate without storing; returns the canonical text or throws ConfigError. */
  check(name: string, raw: string, atBoot = false): string {
    const spec = this.specs.get(name.toLowerCase());
    if (!spec) throw new ConfigError(name, 'unknown parameter');
    if (!spec.mutable && !atBoot) throw new ConfigError(spec.name, "can't set immutable config");
    const value = this.canonical(spec, raw);
    const refused = spec.validate?.(value);
    if (refused !== undefined) throw new ConfigError(spec.name, refused);
    return value;
  }

  /** Names (and values) matching a CONFIG GET glob pattern, in definition order. */
  match(pattern: string, glob: (pattern: string, text: string) => boolean): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const lower = pattern.toLowerCase();
    for (const [name, value] of this.values) if (glob(lower, name)) out.push([name, value]);
    return out;
  }

  private canonical(spec: ParamSpec, raw: string): string {
    switch (spec.kind) {
      case 'memory': {
        const n = parseMemory(raw);
        if (n === undefined) throw new ConfigError(spec.name, 'argument must be a memory value');
        return String(n);
      }
      case 'integer': {
        if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(spec.name, 'argument couldn\'t be parsed into an integer');
        const n = Number(raw);
        if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
          throw new ConfigError(spec.name, `argument must be between ${spec.min} and ${spec.max} inclusive`);
        }
        return String(n);
      }
      case 'enum': {
        const v = raw.toLowerCase();
        if (!spec.values!.includes(v)) throw new ConfigError(spec.name, 'argument(s) must be one of the following: ' + spec.values!.join(', '));
        return v;
      }
      case 'bool': {
        const b = parseBool(raw);
        if (b === undefined) throw new ConfigError(spec.name, "argument must be 'yes' or 'no'");
        return b ? 'yes' : 'no';
      }
      case 'save':
        if (!validSave(raw)) throw new ConfigError(spec.name, 'Invalid save parameters');
        return raw.trim().split(/\s+/).filter(Boolean).join(' ');
      case 'string':
        return raw;
    }
  }
}
