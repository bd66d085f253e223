/** GET /keys (cluster-wide SCAN, paginated) and GET /keys/:key (where a key lives and what it is). */
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { KeyInspector, type KeyPage, type KeyView } from './key-inspector.js';
import { ScanKeysQuery } from './scan-keys.query.js';

@Controller('keys')
export class KeysController {
  constructor(@Inject(KeyInspector) private readonly keys: KeyInspector) {}

  @Get()
  scan(@Query() query: ScanKeysQuery): Promise<KeyPage> {
    return this.keys.scan(query.cursor ?? '0', query.match, query.count ?? 100);
  }

  @Get(':key')
  inspect(@Param('key') key: string): Promise<KeyView> {
    return this.keys.inspect(key);
  }
}
