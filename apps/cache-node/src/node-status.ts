/** Whether the node serves traffic: set when the listeners are bound, cleared when shutdown begins. */
import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

@Injectable()
export class NodeStatus implements BeforeApplicationShutdown {
  /** The RESP listener is bound (or RESP is disabled with port 0). */
  listening = false;
  shuttingDown = false;

  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }
}
