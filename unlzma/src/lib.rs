//! A raw LZMA (LZMA1, as `xz --format=raw --lzma1` writes it) decoder, built as a wasm
//! module of its own that the npm package's entries instantiate before the engine: the
//! engine's .wasm travels LZMA-packed inside the package's JavaScript (98 KB where deflate
//! takes 122 KB), and no JavaScript host decodes LZMA natively. In wasm the decoding takes
//! about what inflating deflate in JavaScript took (a median 29 against 24 ms in a fresh
//! Chromium page); an LZMA decoder written in JavaScript took 60–135 ms, most of a page's
//! one run spent before the JIT had optimized it.
//!
//! The whole output is the dictionary: it is decoded into one buffer of the size the build
//! recorded, and matches copy from it. The range decoder, the probability models and the
//! state machine follow the LZMA specification (the LZMA SDK's `lzma-specification.txt`).
//! Nothing here panics or reads outside its slices: a damaged stream is an [`Error`].
//!
//! The wasm export [`unlzma`] works on the module's own memory, laid out by its caller
//! (`js/entries/inline_wasm.js`): the probabilities, the packed input, the output.
#![cfg_attr(target_arch = "wasm32", no_std)]

/// Why a stream was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The properties byte is not one of an LZMA stream with `lc + lp <= 4`.
    BadProperties,
    /// The stream ended before the output was complete.
    Truncated,
    /// A match reaching before the output's start, or a bad range coder start.
    Corrupt,
    /// A match running past the expected size.
    TooLong,
    /// The end marker before the expected size.
    TooShort,
}

impl Error {
    /// The status [`unlzma`] returns for it (0 is success).
    pub fn code(self) -> u32 {
        match self {
            Error::BadProperties => 1,
            Error::Truncated => 2,
            Error::Corrupt => 3,
            Error::TooLong => 4,
            Error::TooShort => 5,
        }
    }
}

const PROBABILITY_BITS: u32 = 11;
const PROBABILITY_INIT: u16 = 1 << (PROBABILITY_BITS - 1);
const MOVE_BITS: u32 = 5;
const TOP: u32 = 1 << 24;
const STATES: usize = 12;
const POS_STATES_MAX: usize = 16;
const END_POS_MODEL: u32 = 14;
const FULL_DISTANCES: usize = 128;
const ALIGN_BITS: u32 = 4;

// Offsets of each model in the one array of probabilities.
const IS_MATCH: usize = 0;
const IS_REP: usize = IS_MATCH + STATES * POS_STATES_MAX;
const IS_REP_G0: usize = IS_REP + STATES;
const IS_REP_G1: usize = IS_REP_G0 + STATES;
const IS_REP_G2: usize = IS_REP_G1 + STATES;
const IS_REP0_LONG: usize = IS_REP_G2 + STATES;
const POS_SLOT: usize = IS_REP0_LONG + STATES * POS_STATES_MAX; // 4 length states × 64
const SPEC_POS: usize = POS_SLOT + 4 * 64; // trees count from 1: one more than they use
const ALIGN: usize = SPEC_POS + FULL_DISTANCES - END_POS_MODEL as usize + 1;
// A length coder: choice, choice 2, then low and middle trees per position state, high tree.
const LEN_CHOICE_2: usize = 1;
const LEN_LOW: usize = 2;
const LEN_MID: usize = LEN_LOW + POS_STATES_MAX * 8;
const LEN_HIGH: usize = LEN_MID + POS_STATES_MAX * 8;
const LEN_SIZE: usize = LEN_HIGH + 256;
const LEN: usize = ALIGN + (1 << ALIGN_BITS);
const REP_LEN: usize = LEN + LEN_SIZE;
const LITERAL: usize = REP_LEN + LEN_SIZE;

/// The models' room: what a stream with `lc + lp = 4` (the most accepted) needs, rounded
/// up to a power of two, so that an index masked by `PROBABILITIES - 1` is always in it.
pub const PROBABILITIES: usize = 1 << 14;
const _: () = assert!(LITERAL + (0x300 << 4) <= PROBABILITIES);

/// The range decoder over the packed input. Past the input it reads zeros, and a stream
/// that needed them is refused at the end (each step of the main loop writes at least one
/// byte or ends it, so the loop ends whatever it reads).
struct RangeDecoder<'a> {
    input: &'a [u8],
    at: usize,
    range: u32,
    code: u32,
}

impl RangeDecoder<'_> {
    fn byte(&mut self) -> u32 {
        let b = self.input.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        u32::from(b)
    }

    fn normalize(&mut self) {
        if self.range < TOP {
            self.range <<= 8;
            self.code = (self.code << 8) | self.byte();
        }
    }

    /// One bit of the model `prob`, updating it.
    #[inline(always)]
    fn bit(&mut self, prob: &mut u16) -> u32 {
        let p = u32::from(*prob);
        let bound = (self.range >> PROBABILITY_BITS) * p;
        let b = if self.code < bound {
            self.range = bound;
            *prob = (p + (((1 << PROBABILITY_BITS) - p) >> MOVE_BITS)) as u16;
            0
        } else {
            self.range -= bound;
            self.code -= bound;
            *prob = (p - (p >> MOVE_BITS)) as u16;
            1
        };
        self.normalize();
        b
    }

    /// `n` bits of equal probability.
    fn direct(&mut self, n: u32) -> u32 {
        let mut value = 0u32;
        for _ in 0..n {
            self.range >>= 1;
            let b = u32::from(self.code >= self.range);
            if b == 1 {
                self.code -= self.range;
            }
            value = (value << 1) | b;
            self.normalize();
        }
        value
    }
}

/// The probabilities. Every index the models use is below [`PROBABILITIES`] by
/// construction; masking it makes that visible to the compiler (no bounds check, no panic).
struct Models<'a>(&'a mut [u16; PROBABILITIES]);

impl Models<'_> {
    #[inline(always)]
    fn bit(&mut self, rc: &mut RangeDecoder<'_>, i: usize) -> u32 {
        rc.bit(&mut self.0[i & (PROBABILITIES - 1)])
    }

    /// `n` bits of the tree at `p`, most significant first.
    fn tree(&mut self, rc: &mut RangeDecoder<'_>, p: usize, n: u32) -> u32 {
        let mut m = 1u32;
        for _ in 0..n {
            m = (m << 1) | self.bit(rc, p + m as usize);
        }
        m - (1 << n)
    }

    /// `n` bits of the tree at `p`, least significant first.
    fn reverse_tree(&mut self, rc: &mut RangeDecoder<'_>, p: usize, n: u32) -> u32 {
        let mut m = 1u32;
        let mut value = 0u32;
        for i in 0..n {
            let b = self.bit(rc, p + m as usize);
            m = (m << 1) | b;
            value |= b << i;
        }
        value
    }

    /// A match length less 2, from the length coder at `p`.
    fn length(&mut self, rc: &mut RangeDecoder<'_>, p: usize, pos_state: usize) -> u32 {
        if self.bit(rc, p) == 0 {
            self.tree(rc, p + LEN_LOW + pos_state * 8, 3)
        } else if self.bit(rc, p + LEN_CHOICE_2) == 0 {
            8 + self.tree(rc, p + LEN_MID + pos_state * 8, 3)
        } else {
            16 + self.tree(rc, p + LEN_HIGH, 8)
        }
    }

    /// A match distance less 1 (`u32::MAX`: the end marker), for a length less 2 of `len`.
    fn distance(&mut self, rc: &mut RangeDecoder<'_>, len: u32) -> u32 {
        let slot = self.tree(rc, POS_SLOT + len.min(3) as usize * 64, 6);
        if slot < 4 {
            return slot;
        }
        let bits = (slot >> 1) - 1;
        let base = (2 | (slot & 1)) << bits;
        if slot < END_POS_MODEL {
            let p = SPEC_POS + base as usize - slot as usize;
            return base + self.reverse_tree(rc, p, bits);
        }
        let high = rc.direct(bits - ALIGN_BITS) << ALIGN_BITS;
        base + high + self.reverse_tree(rc, ALIGN, ALIGN_BITS)
    }
}

/// Where a decoding stands between calls of [`Decoder::run`].
#[derive(Clone, Debug)]
pub struct Decoder {
    lc: u32,
    lp_mask: usize,
    pb_mask: usize,
    state: usize,
    reps: [u32; 4],
    pos: usize,
    at: usize,
    range: u32,
    code: u32,
    ended: bool,
}

impl Decoder {
    /// A decoding of `input` with the .lzma header's properties byte `props`,
    /// `(pb * 5 + lp) * 9 + lc`; `probs` (at least [`PROBABILITIES`]) is made ready.
    pub fn new(input: &[u8], props: u32, probs: &mut [u16]) -> Result<Decoder, Error> {
        let lc = props % 9;
        let lp = (props / 9) % 5;
        let pb = props / 45;
        if props >= 225 || pb > 4 || lc + lp > 4 {
            return Err(Error::BadProperties);
        }
        probs
            .get_mut(..LITERAL + (0x300 << (lc + lp)))
            .ok_or(Error::BadProperties)?
            .fill(PROBABILITY_INIT);
        let head = input.get(..5).ok_or(Error::Truncated)?;
        let code = u32::from_be_bytes([head[1], head[2], head[3], head[4]]);
        if head[0] != 0 || code == u32::MAX {
            return Err(Error::Corrupt);
        }
        Ok(Decoder {
            lc,
            lp_mask: (1 << lp) - 1,
            pb_mask: (1 << pb) - 1,
            state: 0,
            reps: [0; 4],
            pos: 0,
            at: 5,
            range: u32::MAX,
            code,
            ended: false,
        })
    }

    /// Decodes into `out` until `until` bytes of it are written (or all of it, or the end
    /// marker). The same `input`, `out` and `probs` on every call.
    pub fn run(
        &mut self,
        input: &[u8],
        out: &mut [u8],
        probs: &mut [u16],
        until: usize,
    ) -> Result<(), Error> {
        let probs = probs
            .get_mut(..PROBABILITIES)
            .and_then(|p| <&mut [u16; PROBABILITIES]>::try_from(p).ok())
            .ok_or(Error::BadProperties)?;
        let mut rc = RangeDecoder {
            input,
            at: self.at,
            range: self.range,
            code: self.code,
        };
        let result = self.steps(&mut rc, out, probs, until.min(out.len() + 1));
        (self.at, self.range, self.code) = (rc.at, rc.range, rc.code);
        result
    }

    /// After the last [`Decoder::run`]: whether the stream held exactly `out`'s bytes, then
    /// its end marker (which `xz --format=raw` always writes), all within `input`.
    pub fn finish(&mut self, input: &[u8], out: &mut [u8], probs: &mut [u16]) -> Result<(), Error> {
        if self.pos == out.len() && !self.ended {
            // One step more: anything but the end marker would be a byte past the output.
            self.run(input, out, probs, out.len() + 1)?;
            if !self.ended {
                return Err(Error::TooLong);
            }
        }
        if self.at > input.len() {
            Err(Error::Truncated)
        } else if self.pos != out.len() {
            Err(Error::TooShort)
        } else {
            Ok(())
        }
    }

    fn steps(
        &mut self,
        rc: &mut RangeDecoder<'_>,
        out: &mut [u8],
        probs: &mut [u16; PROBABILITIES],
        until: usize,
    ) -> Result<(), Error> {
        let mut models = Models(probs);
        let size = out.len();
        let lc = self.lc;
        let [mut rep0, mut rep1, mut rep2, mut rep3] = self.reps;
        let mut state = self.state;
        let mut pos = self.pos;
        // The byte `distance + 1` back from `pos`.
        let back = |out: &[u8], pos: usize, distance: u32| -> Result<u8, Error> {
            pos.checked_sub(distance as usize + 1)
                .and_then(|i| out.get(i).copied())
                .ok_or(Error::Corrupt)
        };
        let result = loop {
            if pos >= until || self.ended {
                break Ok(());
            }
            let pos_state = pos & self.pb_mask;
            if models.bit(rc, IS_MATCH + state * POS_STATES_MAX + pos_state) == 0 {
                let previous = if pos > 0 {
                    u32::from(back(out, pos, 0)?)
                } else {
                    0
                };
                let p = LITERAL
                    + 0x300 * (((pos & self.lp_mask) << lc) + (previous >> (8 - lc)) as usize);
                let mut symbol = 1u32;
                if state >= 7 {
                    // The byte at the last distance steers the bits until one differs.
                    let mut match_byte = u32::from(back(out, pos, rep0)?);
                    while symbol < 0x100 {
                        let match_bit = (match_byte >> 7) & 1;
                        match_byte <<= 1;
                        let b = models.bit(rc, p + (((1 + match_bit) << 8) + symbol) as usize);
                        symbol = (symbol << 1) | b;
                        if match_bit != b {
                            break;
                        }
                    }
                }
                while symbol < 0x100 {
                    symbol = (symbol << 1) | models.bit(rc, p + symbol as usize);
                }
                *out.get_mut(pos).ok_or(Error::TooLong)? = symbol as u8;
                pos += 1;
                state = match state {
                    0..=3 => 0,
                    4..=9 => state - 3,
                    _ => state - 6,
                };
                continue;
            }
            let len;
            if models.bit(rc, IS_REP + state) == 0 {
                rep3 = rep2;
                rep2 = rep1;
                rep1 = rep0;
                len = models.length(rc, LEN, pos_state);
                state = if state < 7 { 7 } else { 10 };
                rep0 = models.distance(rc, len);
                if rep0 == u32::MAX {
                    self.ended = true; // the end marker: fewer bytes than expected, if any
                    continue;
                }
            } else {
                if pos == 0 {
                    return Err(Error::Corrupt);
                }
                if models.bit(rc, IS_REP_G0 + state) == 0 {
                    if models.bit(rc, IS_REP0_LONG + state * POS_STATES_MAX + pos_state) == 0 {
                        // One byte from the last distance.
                        state = if state < 7 { 9 } else { 11 };
                        let b = back(out, pos, rep0)?;
                        *out.get_mut(pos).ok_or(Error::TooLong)? = b;
                        pos += 1;
                        continue;
                    }
                } else {
                    let dist;
                    if models.bit(rc, IS_REP_G1 + state) == 0 {
                        dist = rep1;
                    } else {
                        if models.bit(rc, IS_REP_G2 + state) == 0 {
                            dist = rep2;
                        } else {
                            dist = rep3;
                            rep3 = rep2;
                        }
                        rep2 = rep1;
                    }
                    rep1 = rep0;
                    rep0 = dist;
                }
                len = models.length(rc, REP_LEN, pos_state);
                state = if state < 7 { 8 } else { 11 };
            }
            let len = len as usize + 2;
            let from = pos.checked_sub(rep0 as usize + 1).ok_or(Error::Corrupt)?;
            if len > size - pos {
                return Err(Error::TooLong);
            }
            // Byte by byte: a match may overlap what it writes.
            for i in 0..len {
                let b = out.get(from + i).copied().ok_or(Error::Corrupt)?;
                if let Some(o) = out.get_mut(pos + i) {
                    *o = b;
                }
            }
            pos += len;
        };
        (self.reps, self.state, self.pos) = ([rep0, rep1, rep2, rep3], state, pos);
        result
    }
}

/// Decodes `input` (a raw LZMA1 stream) into all of `out`, in one run. `props` is the .lzma
/// header's properties byte, `(pb * 5 + lp) * 9 + lc`; `probs` the models' room (at least
/// [`PROBABILITIES`]).
pub fn decode(input: &[u8], out: &mut [u8], props: u32, probs: &mut [u16]) -> Result<(), Error> {
    let mut decoder = Decoder::new(input, props, probs)?;
    decoder.run(input, out, probs, out.len())?;
    decoder.finish(input, out, probs)
}

/// The wasm exports' one decoding (a module instance decodes one stream): the decoder and
/// where its three ranges lie in the module's memory.
#[cfg(target_arch = "wasm32")]
struct Job {
    decoder: Decoder,
    probs: usize,
    input: usize,
    input_len: usize,
    out: usize,
    out_len: usize,
}

#[cfg(target_arch = "wasm32")]
impl Job {
    /// The decoder and its ranges, as slices.
    ///
    /// # Safety
    /// The ranges [`unlzma_start`] was given: in the module's memory, apart, held by nothing else.
    unsafe fn parts(&mut self) -> (&mut Decoder, &[u8], &mut [u8], &mut [u16]) {
        // SAFETY: as the function's contract says.
        unsafe {
            (
                &mut self.decoder,
                core::slice::from_raw_parts(self.input as *const u8, self.input_len),
                core::slice::from_raw_parts_mut(self.out as *mut u8, self.out_len),
                core::slice::from_raw_parts_mut(self.probs as *mut u16, PROBABILITIES),
            )
        }
    }
}

#[cfg(target_arch = "wasm32")]
struct Current(core::cell::UnsafeCell<Option<Job>>);
// SAFETY: wasm32 without threads: one thread touches it.
#[cfg(target_arch = "wasm32")]
unsafe impl Sync for Current {}
#[cfg(target_arch = "wasm32")]
static CURRENT: Current = Current(core::cell::UnsafeCell::new(None));

/// Runs `step` on the current job's parts; 0, or an [`Error::code`] (corrupt when no job).
#[cfg(target_arch = "wasm32")]
fn with_job(
    step: impl FnOnce(&mut Decoder, &[u8], &mut [u8], &mut [u16]) -> Result<(), Error>,
) -> u32 {
    // SAFETY: one thread, and no reference to CURRENT outlives this call; the ranges are
    // those unlzma_start was given.
    let result = match unsafe { &mut *CURRENT.0.get() } {
        Some(job) => {
            let (decoder, input, out, probs) = unsafe { job.parts() };
            step(decoder, input, out, probs)
        }
        None => Err(Error::Corrupt),
    };
    result.map_or_else(Error::code, |()| 0)
}

/// The wasm export that starts decoding the `input_len` bytes at `input` into the
/// `out_len` bytes at `out`, with `props` and the room for [`PROBABILITIES`] models at
/// `probs` (all in this module's memory, apart); 0, or an [`Error::code`]. Then
/// [`unlzma_run`] decodes, a slice at a time, and [`unlzma_finish`] checks the end.
///
/// # Safety
/// The three ranges must lie in the module's memory and not overlap.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub unsafe extern "C" fn unlzma_start(
    probs: usize,
    input: usize,
    input_len: usize,
    out: usize,
    out_len: usize,
    props: u32,
) -> u32 {
    // SAFETY: the caller's ranges (see above); nothing else holds them.
    let (p, i) = unsafe {
        (
            core::slice::from_raw_parts_mut(probs as *mut u16, PROBABILITIES),
            core::slice::from_raw_parts(input as *const u8, input_len),
        )
    };
    match Decoder::new(i, props, p) {
        Ok(decoder) => {
            let job = Job {
                decoder,
                probs,
                input,
                input_len,
                out,
                out_len,
            };
            // SAFETY: one thread; no reference to CURRENT outlives a call.
            unsafe { *CURRENT.0.get() = Some(job) };
            0
        }
        Err(e) => e.code(),
    }
}

/// The wasm export that decodes until `until` bytes are written; 0, or an [`Error::code`].
/// Decoding in slices lets the host optimize the decoder after the first ones: a call runs
/// in the code it started in.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn unlzma_run(until: usize) -> u32 {
    with_job(|decoder, input, out, probs| decoder.run(input, out, probs, until))
}

/// The wasm export that says, after the last [`unlzma_run`], whether the stream held
/// exactly the expected bytes, then its end marker; 0, or an [`Error::code`].
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn unlzma_finish() -> u32 {
    with_job(|decoder, input, out, probs| decoder.finish(input, out, probs))
}

#[cfg(all(target_arch = "wasm32", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
