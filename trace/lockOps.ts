// The lock operations by what they do, for the renderers (the lock table, the HTML model).
export const TAKE: ReadonlySet<string> = new Set(['spin_lock', 'lock_page', 'mutex_lock', 'down_read', 'down_write']);
export const TRY: ReadonlySet<string> = new Set(['spin_trylock', 'trylock_page', 'mutex_trylock', 'down_read_trylock']);
export const RELEASE: ReadonlySet<string> = new Set(['spin_unlock', 'unlock_page', 'mutex_unlock', 'up_read', 'up_write']);

export function isLockOp(k: string): boolean { return TAKE.has(k) || TRY.has(k) || RELEASE.has(k); }
