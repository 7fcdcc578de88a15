import { loadSpec } from '../config/spec.js';
import { specMessage, type AirbyteMessage } from '../protocol/messages.js';

export function* specCommand(): Iterable<AirbyteMessage> {
  yield specMessage(loadSpec());
}
