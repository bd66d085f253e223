/** The admin API's OpenAPI 3 description, written by hand (no @nestjs/swagger for Nest 12 here); served at /docs/openapi.json. */

const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const json = (description: string, schema: object) => ({ description, content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const keyParam = { name: 'key', in: 'path', required: true, description: 'The key, percent-encoded UTF-8', schema: { type: 'string' } };
const unauthorized = error('Missing or wrong bearer token (only when the admin API runs with --admin-token)');
const unavailable = error('The cluster (or the owner of the key) cannot be reached');
const health = {
  200: json('Healthy', ref('Health')),
  503: json('Unhealthy: no node answers, or some slot has no live owner', ref('Health')),
};

export const OPENAPI_DOCUMENT = {
  openapi: '3.0.3',
  info: {
    title: 'ringcache admin API',
    version: '0.1.0',
    description: 'Cluster overview, health, key inspection, cluster-wide SCAN and a /cache API routed to each key\'s owner.',
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['statusCode', 'error', 'message'],
        properties: {
          statusCode: { type: 'integer' },
          error: { type: 'string' },
          message: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
        },
      },
      Member: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          state: { type: 'string', enum: ['alive', 'suspect', 'failed'] },
          address: { type: 'string', example: '127.0.0.1:7001' },
          slots: { type: 'integer' },
          share: { type: 'number', description: 'slots / 16384' },
          ranges: { type: 'array', items: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 } },
          keys: { type: 'integer', nullable: true },
          memoryBytes: { type: 'integer', nullable: true },
        },
      },
      Cluster: {
        type: 'object',
        properties: {
          epoch: { type: 'integer' },
          state: { type: 'string', enum: ['ok', 'fail'] },
          members: { type: 'array', items: ref('Member') },
        },
      },
      Health: {
        type: 'object',
        description: 'Terminus health-check result; details.nodes lists each member\'s state by address, details.slots the slot coverage.',
        properties: { status: { type: 'string', enum: ['ok', 'error'] }, info: { type: 'object' }, error: { type: 'object' }, details: { type: 'object' } },
      },
      Key: {
        type: 'object',
        properties: {
          key: { type: 'string' },
          slot: { type: 'integer' },
          owner: { type: 'object', properties: { id: { type: 'string' }, address: { type: 'string' } } },
          type: { type: 'string', example: 'string' },
          ttlMs: { type: 'integer', description: '-1 when the key has no TTL' },
          sizeBytes: { type: 'integer', nullable: true, description: 'MEMORY USAGE; null if the node lacks it' },
          idleSeconds: { type: 'integer', nullable: true, description: 'OBJECT IDLETIME; null under an LFU policy' },
          frequency: { type: 'integer', nullable: true, description: 'OBJECT FREQ; null unless an LFU policy is set' },
        },
      },
      KeyPage: {
        type: 'object',
        properties: { cursor: { type: 'string', description: '"0" when the scan is over' }, keys: { type: 'array', items: { type: 'string' } } },
      },
      CacheEntry: {
        type: 'object',
        properties: { value: { type: 'string' }, ttl_remaining_ms: { type: 'integer', nullable: true } },
      },
      PutCache: {
        type: 'object',
        required: ['value'],
        additionalProperties: false,
        properties: { value: { type: 'string' }, ttl_ms: { type: 'integer', minimum: 1 } },
      },
    },
  },
  security: [{ bearer: [] }],
  paths: {
    '/cluster': {
      get: { summary: 'Epoch, state and members with their slots, keys and memory', responses: { 200: json('The cluster', ref('Cluster')), 401: unauthorized, 503: unavailable } },
    },
    '/cluster/health': { get: { summary: 'Ready when some node answers and every slot has a live owner', security: [], responses: health } },
    '/health/ready': { get: { summary: 'Same check as /cluster/health', security: [], responses: health } },
    '/health/live': { get: { summary: 'The admin process answers', security: [], responses: { 200: json('Alive', ref('Health')) } } },
    '/keys': {
      get: {
        summary: 'Cluster-wide SCAN, one page',
        parameters: [
          { name: 'match', in: 'query', schema: { type: 'string' }, description: 'Glob pattern, as SCAN MATCH' },
          { name: 'cursor', in: 'query', schema: { type: 'string', default: '0' }, description: '"0" to start, then the previous page\'s cursor' },
          { name: 'count', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        ],
        responses: { 200: json('A page of keys', ref('KeyPage')), 400: error('Invalid query'), 401: unauthorized, 503: unavailable },
      },
    },
    '/keys/{key}': {
      get: {
        summary: 'Where a key lives and what it is',
        parameters: [keyParam],
        responses: { 200: json('The key', ref('Key')), 401: unauthorized, 404: error('No such key'), 503: unavailable },
      },
    },
    '/cache/{key}': {
      parameters: [keyParam],
      get: { summary: 'Read a string value', responses: { 200: json('The value', ref('CacheEntry')), 401: unauthorized, 404: error('No such key'), 409: error('WRONGTYPE'), 503: unavailable } },
      put: {
        summary: 'Write a string value (SET, with PX when ttl_ms is given)',
        requestBody: { required: true, content: { 'application/json': { schema: ref('PutCache') } } },
        responses: { 200: json('Stored', { type: 'object', properties: { ok: { type: 'boolean' } } }), 400: error('Invalid body'), 401: unauthorized, 503: unavailable },
      },
      delete: { summary: 'Delete a key', responses: { 200: json('Whether it existed', { type: 'object', properties: { deleted: { type: 'boolean' } } }), 401: unauthorized, 503: unavailable } },
    },
    '/metrics': { get: { summary: 'Prometheus metrics: ringcache_cluster_* gauges and Node process metrics', responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } }, 401: unauthorized } } },
    '/docs': { get: { summary: 'This description as an HTML page', responses: { 200: { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } } } },
    '/docs/openapi.json': { get: { summary: 'This description', responses: { 200: json('OpenAPI 3 document', { type: 'object' }) } } },
  },
} as const;
