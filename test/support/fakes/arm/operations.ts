import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ArmError, send } from './wire.js';

export type OperationKind = 'create-snapshot' | 'delete-snapshot' | 'create-volume' | 'revert-volume';

export interface FakeOperation {
  id: string;
  kind: OperationKind;
  target: string;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  startTime: Date;
  endTime?: Date;
  error?: { code: string; message: string };
  /** What the operation's `Location` answers once done: the resource for creates, nothing otherwise. */
  result: () => object | undefined;
}

export interface OperationEffects {
  /** Applies the operation's effect when it completes, as ARM does in the background. */
  finish: () => Promise<void>;
  result: () => object | undefined;
  /** Leaves the resource as a failed operation would. */
  fail: () => void;
}

/**
 * ARM's asynchronous operations: each runs `operationMs` and then succeeds (or fails, when told to), whether or not
 * anyone polls it. Its status is at the `Azure-AsyncOperation` URL (`InProgress`, `Succeeded`, `Failed`), and its
 * `Location` answers 202 until it is done, then the result.
 */
export class FakeOperations {
  readonly all: FakeOperation[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly failing = new Map<OperationKind, { code: string; message: string }>();

  constructor(
    /** `<endpoint>/subscriptions/<id>/providers/Microsoft.NetApp/locations/<region>/operationResults` */
    private readonly baseUrl: () => string,
    public operationMs: number,
  ) {}

  start(kind: OperationKind, target: string, { finish, result, fail }: OperationEffects): FakeOperation {
    const operation: FakeOperation = { id: randomUUID(), kind, target, status: 'InProgress', startTime: new Date(), result };
    this.all.push(operation);
    const failure = this.failing.get(kind);
    this.failing.delete(kind);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const done = failure ? Promise.resolve(fail()) : finish();
      void done.then(
        () => Object.assign(operation, failure ? { status: 'Failed', error: failure } : { status: 'Succeeded' }, { endTime: new Date() }),
        (error: unknown) => Object.assign(operation, { status: 'Failed', endTime: new Date(), error: { code: 'InternalServerError', message: String(error) } }),
      );
    }, this.operationMs);
    this.timers.add(timer);
    return operation;
  }

  failNext(kind: OperationKind, error: { code: string; message: string }): void {
    this.failing.set(kind, error);
  }

  inProgress(kind: OperationKind, target: string): boolean {
    return this.all.some((operation) => operation.kind === kind && operation.target === target && operation.status === 'InProgress');
  }

  /** The 201/202 answer to a long-running request, pointing at the operation both ways ARM does. */
  accept(response: ServerResponse, status: number, operation: FakeOperation, body?: object): void {
    send(response, status, body, { 'azure-asyncoperation': this.url(operation, false), location: this.url(operation, true) });
  }

  /** A poll of the operation's status, or of its `Location`. */
  respond(id: string, asLocation: boolean, response: ServerResponse): void {
    const operation = this.all.find((candidate) => candidate.id === id);
    if (!operation) throw new ArmError(404, 'OperationNotFound', `Operation ${id} was not found.`);
    if (asLocation) {
      if (operation.status === 'InProgress') return send(response, 202, undefined, { location: this.url(operation, true) });
      if (operation.status === 'Failed') throw new ArmError(400, operation.error?.code ?? 'Failed', operation.error?.message ?? 'The operation failed.');
      const result = operation.result();
      return result ? send(response, 200, result) : send(response, 204);
    }
    send(response, 200, {
      id: new URL(this.url(operation, false)).pathname,
      name: id,
      status: operation.status,
      startTime: operation.startTime.toISOString(),
      ...(operation.endTime ? { endTime: operation.endTime.toISOString(), percentComplete: 100 } : { percentComplete: 50 }),
      ...(operation.error ? { error: operation.error } : {}),
    });
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  private url(operation: FakeOperation, asLocation: boolean): string {
    return `${this.baseUrl()}/${operation.id}?api-version=2023-05-01${asLocation ? '&operationResultResponseType=Location' : ''}`;
  }
}
