import { describe, expect, it } from '@jest/globals';
import { parseReplicationInfo } from './replication-info.js';

const RINGCACHE = [
  '# Replication',
  'role:master',
  'connected_slaves:2',
  'slave0:ip=127.0.0.1,port=30002,state=online,offset=900,lag=0',
  'slave1:ip=127.0.0.1,port=30003,state=online,offset=850,lag=1',
  'master_replid:0123456789abcdef0123456789abcdef01234567',
  'master_repl_offset:1000',
  'repl_backlog_active:1',
  'ringcache_slot_sync_bytes_sent:65536',
  'primary0:id=b2,ip=127.0.0.1,port=30002,link_status=up,last_io_seconds_ago=0,sync_in_progress=0,offset=77,lag_bytes=0,slots=100,synced_slots=100,full_syncs=1,partial_syncs=0',
  'primary1:id=c3,ip=127.0.0.1,port=30003,link_status=down,last_io_seconds_ago=4,sync_in_progress=1,offset=5,lag_bytes=120,slots=50,synced_slots=10,full_syncs=1,partial_syncs=2',
  '',
].join('\r\n');

describe('parseReplicationInfo', () => {
  it('reads the stream, the replicas reading it and one link per primary', () => {
    const info = parseReplicationInfo(RINGCACHE);
    expect(info).toMatchObject({ offset: 1000, connectedReplicas: 2, slotSyncBytesSent: 65536 });
    expect(info.replicas).toEqual([
      { address: '127.0.0.1:30002', state: 'online', offset: 900, lagSeconds: 0 },
      { address: '127.0.0.1:30003', state: 'online', offset: 850, lagSeconds: 1 },
    ]);
    expect(info.primaries).toEqual([
      { id: 'b2', address: '127.0.0.1:30002', linkUp: true, lastIoSecondsAgo: 0, syncInProgress: false, offset: 77, lagBytes: 0, slots: 100, syncedSlots: 100 },
      { id: 'c3', address: '127.0.0.1:30003', linkUp: false, lastIoSecondsAgo: 4, syncInProgress: true, offset: 5, lagBytes: 120, slots: 50, syncedSlots: 10 },
    ]);
  });

  it('reads a Redis master (no ringcache lines) as zero and empty', () => {
    const info = parseReplicationInfo('# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_repl_offset:0\r\n');
    expect(info).toEqual({ offset: 0, connectedReplicas: 0, replicas: [], slotSyncBytesSent: 0, primaries: [] });
  });
});
