// The bare-Temporal reference's workflow: one step, a local activity that POSTs and marks the row.
import { proxyLocalActivities } from '@temporalio/workflow';

const { deliver } = proxyLocalActivities({ startToCloseTimeout: '30s' });

export async function bareDeliver(event) {
  await deliver(event);
}
