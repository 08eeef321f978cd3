// The lesson terminal's keys: after a busy spell (a demo's first run), keys typed during it are
// dropped, not taken as answers to the screen drawn after it; q and Ctrl-C still count.
import { EventEmitter } from 'node:events';
import { keyReader, STALE_MS } from '../../cli/terminal';

function fakeStdin() {
  const e = new EventEmitter() as EventEmitter & { setRawMode: () => unknown; setEncoding: () => unknown; pause: () => unknown; resume: () => unknown };
  e.setRawMode = () => e; e.setEncoding = () => e; e.pause = () => e; e.resume = () => e;
  return e;
}

test('keys waiting when a read begins after settle() are dropped; later ones are read; q still quits', async () => {
  const stdin = fakeStdin();
  let t = 1000;
  const keys = keyReader(stdin as never, () => t);
  // no busy spell: a key that comes at once is read
  let k = keys.next();
  stdin.emit('data', '\r');
  expect(await k).toBe('\r');
  // after one: Enter pressed meanwhile (it arrives as the read begins) is dropped, the next is read
  keys.settle();
  k = keys.next();
  stdin.emit('data', '\r\r');
  t += STALE_MS + 5;
  stdin.emit('data', 'b');
  expect(await k).toBe('b');
  // ... but q typed during it still quits
  keys.settle();
  k = keys.next();
  stdin.emit('data', '\rq');
  expect(await k).toBe('q');
  // and keys already queued before the spell go too
  k = keys.next();
  stdin.emit('data', 'xyz');
  expect(await k).toBe('x');
  keys.settle();
  k = keys.next();
  t += STALE_MS + 5;
  stdin.emit('data', 'n');
  expect(await k).toBe('n');
});
