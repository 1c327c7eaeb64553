import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { CapabilityAsk, CapabilityReady, CapabilityView } from '../../core/tools/capability.js';

/** Another request for the same API joins the running meta-agent (the API sends it with signal-with-start). */
export const capabilityAskSignal = defineSignal<[CapabilityAsk]>('capabilityAsk');

/** Sent to each waiting workflow (a task that lacked a tool) once the tools are registered. */
export const capabilityReadySignal = defineSignal<[CapabilityReady]>('capabilityReady');

export const capabilityStatusQuery = defineQuery<CapabilityView>('status');
