// Loaded by path (DataConverter.failureConverterPath) by Temporal clients and workers when
// payload encryption is on: failure messages and stack traces travel as an encoded payload, so
// the payload codec encrypts them like every other payload (a target's response body is part of
// a delivery failure's message). No other export: the SDK requires this module on its own.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
