/**
 * Reading values out of QuickJS without letting the guest decide how much host
 * memory that costs.
 */
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten';

/**
 * The string's content if `handle` is a string of at most `maxChars` UTF-16 units;
 * otherwise undefined. The length is read inside the VM *before* the string is
 * copied into the worker's heap. (`context.getLength` only works on objects, and
 * reading `length` of a string primitive runs no guest code.)
 */
export function readBoundedString(context: QuickJSContext, handle: QuickJSHandle, maxChars: number): string | undefined {
  if (context.typeof(handle) !== 'string') return undefined;
  const lengthHandle = context.getProp(handle, 'length');
  const length = context.typeof(lengthHandle) === 'number' ? context.getNumber(lengthHandle) : Infinity;
  lengthHandle.dispose();
  if (length > maxChars) return undefined;
  return context.getString(handle);
}
