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
    description: 'Cluster overview, replication and rebalancing, health, key inspection, cluster-wide SCAN and a /cache API routed to each key\'s owner.',
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
          syncing: { type: 'boolean', description: 'Copying the slots it is to own before it joins the ring (owns none yet)' },
          replicaSlots: { type: 'integer', description: 'Slots CLUSTER SLOTS lists it as a replica of' },
          replicationOffset: { type: 'integer', nullable: true, description: 'master_repl_offset of its own stream; null when it did not answer' },
          connectedReplicas: { type: 'integer', nullable: true, description: 'Replicas reading its stream; null when it did not answer' },
          links: { type: 'array', nullable: true, items: ref('ReplicationLink'), description: 'The members it copies slots from; null when it did not answer' },
        },
      },
      ReplicationLink: {
        type: 'object',
        properties: {
          primaryId: { type: 'string' },
          address: { type: 'string' },
          linkStatus: { type: 'string', enum: ['up', 'down'] },
          lastIoSecondsAgo: { type: 'integer' },
          lagBytes: { type: 'integer', description: 'How far this copy is behind the primary\'s stream' },
          offset: { type: 'integer', description: 'Offset of the primary\'s stream applied' },
          slots: { type: 'integer', description: 'Slots wanted from that primary' },
          syncedSlots: { type: 'integer', description: 'Of those, slots whose snapshot has arrived' },
        },
      },
      SlotNode: {
        type: 'object',
        properties: { id: { type: 'string' }, host: { type: 'string' }, port: { type: 'integer' } },
      },
      SlotRange: {
        type: 'object',
        properties: { start: { type: 'integer' }, end: { type: 'integer' }, primary: ref('SlotNode'), replicas: { type: 'array', items: ref('SlotNode') } },
      },
      RebalanceProgress: {
        type: 'object',
        properties: {
          state: { type: 'string', enum: ['idle', 'running', 'paused'], description: 'idle: no member syncs; paused: some member has slot-sync-paused yes' },
          paused: { type: 'boolean' },
          pausedMembers: { type: 'array', items: { type: 'string' } },
          bytesPerSecond: { type: 'integer', nullable: true, description: 'Snapshot bytes sent per second over all members since the previous call; null on the first' },
          members: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                address: { type: 'string' },
                slotsTotal: { type: 'integer' },
                slotsDone: { type: 'integer' },
                slotsRemaining: { type: 'integer' },
                keysDone: { type: 'integer', description: 'Its DBSIZE' },
                keysRemaining: { type: 'integer', description: 'Estimate: slotsRemaining × the average keys per slot' },
              },
            },
          },
          unreachable: { type: 'array', items: { type: 'string' } },
        },
      },
      RebalancePlan: {
        type: 'object',
        properties: {
          moves: {
            type: 'array',
            items: {
              type: 'object',
              properties: { start: { type: 'integer' }, end: { type: 'integer' }, from: { ...ref('SlotNode'), nullable: true }, to: ref('SlotNode') },
            },
          },
          slots: { type: 'integer' },
          keysEstimate: { type: 'integer' },
          resumed: ref('SyncPause'),
        },
      },
      SyncPause: {
        type: 'object',
        properties: {
          paused: { type: 'boolean' },
          set: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, address: { type: 'string' } } } },
          failed: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, address: { type: 'string' }, reason: { type: 'string' } } } },
        },
      },
      StartRebalance: {
        type: 'object',
        additionalProperties: false,
        properties: { dryRun: { type: 'boolean', description: 'Only compute the plan' } },
      },
      Cluster: {
        type: 'object',
        properties: {
          epoch: { type: 'integer' },
          state: { type: 'string', enum: ['ok', 'fail'] },
          members: { type: 'array', items: ref('Member') },
          slotRanges: { type: 'array', items: ref('SlotRange'), description: 'CLUSTER SLOTS: each range with its primary and replicas' },
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
      get: { summary: 'Epoch, state, members with their slots, keys, memory and replication, slot ranges with their replicas', responses: { 200: json('The cluster', ref('Cluster')), 401: unauthorized, 503: unavailable } },
    },
    '/cluster/rebalance': {
      get: { summary: 'Rebalance progress: the syncing members and how far their copies are', responses: { 200: json('Progress', ref('RebalanceProgress')), 401: unauthorized, 503: unavailable } },
      post: {
        summary: 'The slot moves the syncing members will make; without dryRun also resumes slot syncs on every member',
        requestBody: { required: false, content: { 'application/json': { schema: ref('StartRebalance') } } },
        responses: { 200: json('dryRun: the plan', ref('RebalancePlan')), 202: json('The plan; slot syncs resumed', ref('RebalancePlan')), 400: error('Invalid body'), 401: unauthorized, 503: unavailable },
      },
    },
    '/cluster/rebalance/pause': {
      post: { summary: 'CONFIG SET slot-sync-paused yes on every member that is not failed', responses: { 200: json('The members set', ref('SyncPause')), 401: unauthorized, 503: unavailable } },
    },
    '/cluster/rebalance/resume': {
      post: { summary: 'CONFIG SET slot-sync-paused no on every member that is not failed', responses: { 200: json('The members set', ref('SyncPause')), 401: unauthorized, 503: unavailable } },
    },
    '/cluster/nodes/{id}/drain': {
      post: {
        summary: 'CLUSTER LEAVE to the member: its replicas catch up, then take its slots (the process keeps running)',
        parameters: [{ name: 'id', in: 'path', required: true, description: 'Node id', schema: { type: 'string' } }],
        responses: {
          202: json('Leaving', { type: 'object', properties: { draining: { type: 'string' } } }),
          401: unauthorized,
          404: error('No member with that id'),
          409: error('The member is failed, or the only serving member'),
          503: unavailable,
        },
      },
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
