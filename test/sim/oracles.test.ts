// Each oracle fires on a crafted program and stays silent on a correct one.
import * as k from '../../sim/api';
import { Machine } from '../../sim/machine';
import { handleAt } from '../../sim/handles';
import { runOnce, stay, Factory } from '../../explorer/run';
import { dpor } from '../../explorer/dpor';

type Body = (m: Machine, objs: { av: k.AnonVma; av2: k.AnonVma; obj: k.Obj; tsobj: k.Obj }) => Record<string, () => k.Kernel<unknown>>;

function world(body: Body): Factory {
  return (opts) => {
    const m = new Machine(opts);
    const av = handleAt('anon_vma', m.mem.setupAlloc('anon_vma_cachep'));
    const av2 = handleAt('anon_vma', m.mem.setupAlloc('anon_vma_cachep'));
    const obj = handleAt('obj', m.mem.setupAlloc('obj_cachep'));
    const tsobj = handleAt('obj', m.mem.setupAlloc('obj_typesafe_cachep'));
    const threads = body(m, { av, av2, obj, tsobj });
    for (const [name, f] of Object.entries(threads)) m.spawn(name, f());
    if (Object.keys(threads).some((n) => n.startsWith('rcu'))) m.spawn('rcu_gp', rcuThread(), true);
    return m;
  };
}
function* rcuThread(): k.Kernel<void> { for (;;) yield { k: 'rcu_callbacks', a: 0, v: 0 }; }

/** Every failure kind found by exhaustive search (first bug), or [] when verified. */
function firstBug(f: Factory): string {
  const r = dpor(f, { maxExecutions: 5000 });
  if (r.bug) return r.bug.failure.kind;
  expect(r.complete).toBe(true);
  return 'none';
}
function sequential(f: Factory): string[] { return runOnce(f, (_m, en, _i, last) => stay(en, last), { haltOnFailure: false }).failures.map((x) => x.kind); }

describe('oracles', () => {
  test('bad unlock: releasing a lock nobody holds, and silence when balanced', () => {
    expect(sequential(world((_m, { av }) => ({ t: function* () { yield* k.spin_unlock(av.lock); } })))).toEqual(['bad-unlock']);
    expect(sequential(world((_m, { av }) => ({ t: function* () { yield* k.spin_lock(av.lock); yield* k.spin_unlock(av.lock); } })))).toEqual([]);
  });

  test('hang: ABBA deadlock is found by search; ordered locking is verified', () => {
    const abba = world((_m, { av, av2 }) => ({
      a: function* () { yield* k.spin_lock(av.lock); yield* k.spin_lock(av2.lock); yield* k.spin_unlock(av2.lock); yield* k.spin_unlock(av.lock); },
      b: function* () { yield* k.spin_lock(av2.lock); yield* k.spin_lock(av.lock); yield* k.spin_unlock(av.lock); yield* k.spin_unlock(av2.lock); },
    }));
    expect(firstBug(abba)).toBe('hang');
    const ordered = world((_m, { av, av2 }) => ({
      a: function* () { yield* k.spin_lock(av.lock); yield* k.spin_lock(av2.lock); yield* k.spin_unlock(av2.lock); yield* k.spin_unlock(av.lock); },
      b: function* () { yield* k.spin_lock(av.lock); yield* k.spin_lock(av2.lock); yield* k.spin_unlock(av2.lock); yield* k.spin_unlock(av.lock); },
    }));
    expect(firstBug(ordered)).toBe('none');
  });

  test('lock held at return and RCU imbalance', () => {
    expect(sequential(world((_m, { av }) => ({ t: function* () { yield* k.spin_lock(av.lock); } })))).toEqual(['lock-held-at-return']);
    expect(sequential(world(() => ({ t: function* () { yield* k.rcu_read_lock(); } })))).toEqual(['rcu-imbalance']);
    expect(sequential(world(() => ({ t: function* () { yield* k.rcu_read_unlock(); } })))).toEqual(['rcu-imbalance']);
    expect(sequential(world(() => ({ t: function* () { yield* k.rcu_read_lock(); yield* k.rcu_read_lock(); yield* k.rcu_read_unlock(); yield* k.rcu_read_unlock(); } })))).toEqual([]);
  });

  test('a refused access: KASAN names the operation, and the trace gives the step no result', () => {
    // atomic_dec_and_test on a freed object: the count is not touched, so "→ true" (or false)
    // would be an answer the machine never computed
    const r = runOnce(world((_m, { obj }) => ({ t: function* () { yield* k.kfree(obj); yield* k.atomic_dec_and_test(obj.refcount); } })),
      (_m, en, _i, last) => stay(en, last), { haltOnFailure: true, record: true });
    expect(r.failure?.kind).toBe('use-after-free');
    expect(r.failure?.report).toContain('BUG: KASAN: slab-use-after-free in atomic_dec_and_test');
    // an atomic_t is 4 bytes wide, a pointer 8
    expect(r.failure?.report).toContain('Access of size 4 at addr');
    const ptr = runOnce(world((_m, { obj }) => ({ t: function* () { yield* k.kfree(obj); yield* k.READ_ONCE(obj.key); } })),
      (_m, en, _i, last) => stay(en, last), { haltOnFailure: true });
    expect(ptr.failure?.report).toContain('Access of size 8 at addr');
    const ev = r.machine.events[r.machine.events.length - 1];
    expect(ev).toMatchObject({ k: 'atomic_dec_and_test', obj: expect.stringContaining('(free) .refcount') });
    expect(ev.result).toBeUndefined();
    // an access that is allowed keeps its result
    const ok = runOnce(world((m, { obj }) => {
      m.mem.set(obj.refcount.addr, 1);
      return { t: function* () { yield* k.atomic_dec_and_test(obj.refcount); } };
    }), (_m, en, _i, last) => stay(en, last), { record: true });
    expect(ok.machine.events[0].result).toBe('true (now 0)');
  });

  test('use-after-free: plain cache at once; RCU reader safe only with kfree_rcu', () => {
    expect(sequential(world((_m, { obj }) => ({ t: function* () { yield* k.kfree(obj); yield* k.READ_ONCE(obj.key); } })))).toEqual(['use-after-free']);
    const reader = (rcu: boolean) => world((m, { obj: gp }) => {
      const victim = k.handleAt('obj', m.mem.setupAlloc('obj_cachep'));
      m.mem.set(gp.value.addr, victim.addr);
      return {
        rcu_reader: function* () {
          yield* k.rcu_read_lock();
          const p = yield* k.READ_ONCE(gp.value);
          if (p !== 0) { yield* k.READ_ONCE(k.handleAt('obj', p).key); yield* k.READ_ONCE(k.handleAt('obj', p).value); }
          yield* k.rcu_read_unlock();
        },
        rcu_freer: function* () { yield* k.WRITE_ONCE(gp.value, 0); if (rcu) yield* k.kfree_rcu(victim); else yield* k.kfree(victim); },
      };
    });
    expect(firstBug(reader(false))).toBe('use-after-free');
    expect(firstBug(reader(true))).toBe('none');
  });

  test('SLAB_TYPESAFE_BY_RCU: a reader inside RCU may touch a freed object; outside it may not', () => {
    // a published pointer (gp.value) to a type-safe object; the writer unpublishes, then frees
    const ts = (inRcu: boolean) => world((m, { obj: gp, tsobj }) => {
      m.mem.set(gp.value.addr, tsobj.addr);
      return {
        r: function* () {
          if (inRcu) yield* k.rcu_read_lock();
          const p = yield* k.READ_ONCE(gp.value);
          if (p !== 0) { const o = k.handleAt('obj', p); yield* k.READ_ONCE(o.key); yield* k.READ_ONCE(o.value); }
          if (inRcu) yield* k.rcu_read_unlock();
        },
        f: function* () { yield* k.WRITE_ONCE(gp.value, 0); yield* k.kfree(tsobj); },
      };
    });
    expect(firstBug(ts(true))).toBe('none');
    expect(firstBug(ts(false))).toBe('use-after-free');
  });

  test('sleeping in atomic context, spinlock recursion, exceptions and bad yields', () => {
    expect(sequential(world((_m, { av }) => ({ t: function* () { yield* k.rcu_read_lock(); yield* k.mutex_lock(av.mutex); } })))[0]).toBe('sleep-in-atomic');
    expect(sequential(world((_m, { av }) => ({ t: function* () { yield* k.rcu_read_lock(); const ok = yield* k.mutex_trylock(av.mutex); if (ok) yield* k.mutex_unlock(av.mutex); yield* k.rcu_read_unlock(); } })))).toEqual([]);
    expect(sequential(world((_m, { av }) => ({ t: function* () { yield* k.spin_lock(av.lock); yield* k.spin_lock(av.lock); } })))[0]).toBe('spinlock-recursion');
    expect(sequential(world(() => ({ t: function* () { yield* k.rcu_read_lock(); throw new Error('boom'); } })))[0]).toBe('exception');
    expect(sequential(world(() => ({ t: function* (): k.Kernel<void> { yield 42 as never; } })))[0]).toBe('exception');
  });

  test('an API call is one step through `yield*`; yielded bare it is an exception that says so', () => {
    const got: unknown[] = [];
    const ok = world((_m, { av, obj }) => ({
      t: function* () {
        got.push(yield* k.READ_ONCE(av.root), yield* k.atomic_inc_not_zero(obj.refcount), yield* k.list_empty(av.head));
        const call = k.READ_ONCE(obj.key);
        got.push(yield* call, yield* call); // a call already answered yields nothing more
      },
    }));
    const r = runOnce(ok, (_m, en, _i, last) => stay(en, last), { haltOnFailure: false, record: true });
    expect(r.failures).toEqual([]);
    expect(r.machine.events.map((e) => e.k)).toEqual(['read', 'atomic_inc_not_zero', 'list_read', 'read']);
    expect(got).toEqual([null, false, true, 0, undefined]);
    const bare = runOnce(world((_m, { av }) => ({ t: function* (): k.Kernel<void> { yield k.READ_ONCE(av.root) as never; } })),
      (_m, en, _i, last) => stay(en, last), { haltOnFailure: false });
    expect(bare.failures.map((f) => [f.kind, f.report])).toEqual([['exception', 'Oops: t yielded the call READ_ONCE(...) itself: write `yield* READ_ONCE(...)` to run it and get its result']]);
  });

  test('a trace shows a truth value as one, with the count it left, and no result for a lock that sleeps', () => {
    const f = world((m, { obj, av }) => {
      m.mem.set(obj.refcount.addr, 1);
      return {
        t: function* () {
          yield* k.atomic_inc_not_zero(obj.refcount); // 1 → 2
          yield* k.atomic_dec_and_test(obj.refcount); // 2 → 1: not the last
          yield* k.atomic_dec_and_test(obj.refcount); // 1 → 0: the last
          yield* k.atomic_inc_not_zero(obj.refcount); // stays 0
          yield* k.spin_trylock(obj.lock);
          yield* k.spin_trylock(obj.lock);
          yield* k.rcu_read_lock();
          yield* k.mutex_lock(av.mutex); // sleeps inside RCU: reported, and no "→ 0"
        },
      };
    });
    const r = runOnce(f, (_m, en) => en[0], { haltOnFailure: false, record: true });
    expect(r.machine.events.map((e) => `${e.name} → ${e.result ?? '-'}`)).toEqual([
      'atomic_inc_not_zero → true (now 2)', 'atomic_dec_and_test → false (now 1)', 'atomic_dec_and_test → true (now 0)',
      'atomic_inc_not_zero → false (now 0)', 'spin_trylock → true', 'spin_trylock → false', 'rcu_read_lock → -', 'mutex_lock → -']);
    expect(r.failures.map((x) => x.kind)).toEqual(['sleep-in-atomic']);
  });

  test('a trace marks a change to a freed type-safe object that KASAN allows (a count raised from 0, a write), not a lock or a read', () => {
    const f = world((_m, { tsobj }) => ({
      t: function* () {
        yield* k.rcu_read_lock();
        yield* k.kmem_cache_free(k.obj_typesafe_cachep, tsobj);
        yield* k.spin_lock(tsobj.lock);              // the type-safe re-check pattern: not marked
        yield* k.READ_ONCE(tsobj.key);               // looking: not marked
        yield* k.atomic_inc_not_zero(tsobj.refcount); // refused at 0: nothing changed
        yield* k.atomic_inc(tsobj.refcount);         // 0 → 1: revived
        yield* k.WRITE_ONCE(tsobj.key, 3);           // changed
        yield* k.atomic_dec_and_test(tsobj.refcount); // 1 → 0: changed, not revived
        yield* k.spin_unlock(tsobj.lock);
        yield* k.rcu_read_unlock();
      },
    }));
    const r = runOnce(f, (_m, en) => en[0], { haltOnFailure: false, record: true });
    expect(r.failures).toEqual([]);
    expect(r.machine.events.map((e) => `${e.name}:${e.changedFreed ?? '-'}`)).toEqual([
      'rcu_read_lock:-', 'kmem_cache_free:-', 'spin_lock:-', 'READ_ONCE:-', 'atomic_inc_not_zero:-', 'atomic_inc:revived',
      'WRITE_ONCE:changed', 'atomic_dec_and_test:changed', 'spin_unlock:-', 'rcu_read_unlock:-']);
    // on a live object nothing is marked
    const live = runOnce(world((_m, { tsobj }) => ({ t: function* () { yield* k.atomic_inc(tsobj.refcount); yield* k.WRITE_ONCE(tsobj.key, 1); } })),
      (_m, en) => en[0], { record: true });
    expect(live.machine.events.map((e) => e.changedFreed)).toEqual([undefined, undefined]);
  });

  test("refcount_t's underflow check: a reference count below zero fails; a mapcount going to -1 does not", () => {
    const r = runOnce(world((m, { av }) => {
      m.mem.set(av.refcount.addr, 1);
      return { t: function* () { yield* k.atomic_dec_and_test(av.refcount); yield* k.atomic_dec_and_test(av.refcount); } };
    }), (_m, en) => en[0], { haltOnFailure: true, record: true });
    expect(r.failures.map((f) => [f.kind, f.step, f.why])).toEqual([
      ['use-after-free', 1, 'a reference count went below zero: something dropped a reference it never took (a put without its get)']]);
    expect(r.failures[0].report).toBe([
      '------------[ cut here ]------------', 'refcount_t: underflow; use-after-free.',
      'WARNING: in atomic_dec_and_test by t at step 1: anon_vma@0x40 #1 .refcount 0 → -1'].join('\n'));
    // page->_mapcount starts at -1 (unmapped), and an atomic_add of -1 to a plain word is just arithmetic
    const page = runOnce(world((m, { obj }) => {
      const p = handleAt('page', m.mem.setupAlloc('pages'));
      return { t: function* () { yield* k.atomic_dec(p._mapcount); yield* k.atomic_dec(obj.key as k.Atomic); } };
    }), (_m, en) => en[0], { haltOnFailure: true });
    expect(page.failures).toEqual([]);
  });

  test('a hang on a sleeping lock says the waiter sleeps, and names the lock as the code does (->mutex, ->rwsem)', () => {
    const f = world((_m, { av }) => ({
      a: function* () { yield* k.down_write(av.rwsem); },
      b: function* () { yield* k.down_read(av.rwsem); },
    }));
    const r = runOnce(f, (_m, en) => en[0], { haltOnFailure: false });
    expect(r.failures.map((x) => x.kind)).toEqual(['lock-held-at-return', 'hang']);
    expect(r.failures[0].report).toContain('#0: (&anon_vma@0x40->rwsem) write, taken at step 0');
    expect(r.failures[1].report).toMatch(/^  b sleeps in down_read\(&anon_vma@0x40->rwsem\), held by a since step 0 — which has already returned$/m);
  });

  test('livelock: a thread past its step budget', () => {
    const spin = world((_m, { obj }) => ({ t: function* () { for (;;) yield* k.READ_ONCE(obj.key); } }));
    const once = runOnce(spin, (_m, en) => en[0], { maxSteps: 50 });
    expect(once.failure?.kind).toBe('livelock');
    // it fails on its 51st step: the report says "more than 50", not "50"
    expect([once.machine.threads[0].steps, once.failure?.report]).toEqual([51, 'watchdog: BUG: soft lockup — t ran more than 50 steps without finishing']);
    // going on after failures (a replay), a livelock still ends the run: the thread would spin
    // for ever, so a thread waiting for its lock is not reported as hung by a returned thread
    const holder = world((_m, { av }) => ({
      spinner: function* () { yield* k.spin_lock(av.lock); for (;;) yield* k.READ_ONCE(av.root); },
      waiter: function* () { yield* k.spin_lock(av.lock); yield* k.spin_unlock(av.lock); },
    }));
    const r = runOnce(holder, (_m, en) => en[0], { maxSteps: 50, haltOnFailure: false });
    expect(r.failures.map((x) => x.kind)).toEqual(['livelock']);
    expect(r.machine.halted).toBe(true);
  });

  test('synchronize_rcu waits for a reader already inside; the writer may then free', () => {
    const f = (sync: boolean) => world((m, { obj: gp, av }) => {
      const victim = k.handleAt('obj', m.mem.setupAlloc('obj_cachep'));
      m.mem.set(gp.value.addr, victim.addr);
      void av;
      return {
        reader: function* () {
          yield* k.rcu_read_lock();
          const p = yield* k.READ_ONCE(gp.value);
          if (p !== 0) yield* k.READ_ONCE(k.handleAt('obj', p).key);
          yield* k.rcu_read_unlock();
        },
        writer: function* () { yield* k.WRITE_ONCE(gp.value, 0); if (sync) yield* k.synchronize_rcu(); yield* k.kfree(victim); },
      };
    });
    expect(firstBug(f(true))).toBe('none');
    expect(firstBug(f(false))).toBe('use-after-free');
    const g = f(true);
    const r = runOnce(g, (m, en, i) => (i === 0 ? 0 : i === 1 ? 1 : en[en.length - 1]));
    // the writer cannot finish its grace period while the reader is inside
    expect(r.failure).toBeUndefined();
    expect(r.machine.threads.every((t) => t.done)).toBe(true);
  });

  test('reports name objects by address and incarnation', () => {
    const f = world((_m, { obj }) => ({ t: function* () { yield* k.kfree(obj); yield* k.READ_ONCE(obj.key); } }));
    const r = runOnce(f, (_m, en) => en[0], { record: true });
    expect(r.failure?.report).toContain('BUG: KASAN: slab-use-after-free');
    expect(r.failure?.report).toContain('obj@0x5000 #1 (free)');
    expect(r.failure?.report).toMatch(/Freed by t at step 0/);
  });
});
