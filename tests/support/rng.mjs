// A seeded xorshift32 generator for the tests' random sequences (the same seed gives the
// same run, so a failure can be replayed): `rng(seed)()` is a number in [0, 1).
export function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 0x100000000;
  };
}
