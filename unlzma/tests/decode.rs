//! The decoder against what `xz` writes: exact for every preset and property set the
//! format allows here, and a damaged, cut or mis-sized stream is an `Error`, never a panic
//! (a panic in the shipped wasm would be a trap while the package loads).

use std::io::Write;
use std::process::{Command, Stdio};

use unlzma::{decode, Error, PROBABILITIES};

/// `data` packed as the package's build packs the engine, with these options.
fn xz(data: &[u8], options: &str) -> Vec<u8> {
    let mut child = Command::new("xz")
        .args(["--format=raw", "--stdout", &format!("--lzma1={options}")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("xz runs (scripts/setup.sh installs xz-utils)");
    let mut stdin = child.stdin.take().expect("xz's stdin");
    let input = data.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("xz's output");
    writer
        .join()
        .expect("the writer")
        .expect("xz read its input");
    assert!(out.status.success(), "xz {options}");
    out.stdout
}

fn unpack(packed: &[u8], size: usize, props: u32) -> Result<Vec<u8>, Error> {
    let mut out = vec![0u8; size];
    let mut probs = vec![0u16; PROBABILITIES];
    decode(packed, &mut out, props, &mut probs).map(|()| out)
}

/// A fixed sequence of pseudo-random numbers.
fn rng(mut state: u64) -> impl FnMut() -> u64 {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

fn inputs() -> Vec<(&'static str, Vec<u8>)> {
    let mut next = rng(1127);
    vec![
        ("empty", Vec::new()),
        ("one byte", b"a".to_vec()),
        ("random bytes", (0..60_000).map(|_| next() as u8).collect()),
        (
            "repetitive text (long matches)",
            b"stale-while-revalidate ".repeat(8_000),
        ),
        (
            "mixed (literals after matches, all four repeated distances)",
            (0..120_000u32)
                .map(|i| {
                    if i % 7 == 0 {
                        next() as u8
                    } else {
                        b"abcabdabeabf"[(i % 12) as usize]
                    }
                })
                .collect(),
        ),
    ]
}

#[test]
fn decodes_what_xz_writes_for_every_preset_and_property_set() {
    for (name, data) in inputs() {
        for (lc, lp, pb) in [
            (3, 0, 2),
            (4, 0, 0),
            (0, 4, 4),
            (1, 2, 1),
            (2, 2, 3),
            (0, 0, 0),
        ] {
            for preset in ["0", "6", "9e"] {
                let packed = xz(&data, &format!("preset={preset},lc={lc},lp={lp},pb={pb}"));
                let props = (pb * 5 + lp) * 9 + lc;
                assert_eq!(
                    unpack(&packed, data.len(), props).as_deref(),
                    Ok(&data[..]),
                    "{name}: preset {preset}, lc {lc} lp {lp} pb {pb}"
                );
            }
        }
    }
}

#[test]
fn refuses_properties_it_has_no_room_for() {
    let packed = xz(b"hello", "preset=6");
    for props in [225, 255, 9 * 5 * 5, 5 * 9 + 8, 4 * 9 + 1] {
        // pb 5; lc 8 with lp 1 (lc + lp > 4); lp 4 with lc 1
        assert_eq!(
            unpack(&packed, 5, props),
            Err(Error::BadProperties),
            "props {props}"
        );
    }
}

#[test]
fn a_stream_of_another_size_is_refused() {
    let data = b"stale-while-revalidate ".repeat(1_000);
    let packed = xz(&data, "preset=6");
    let props = (2 * 5) * 9 + 3;
    assert_eq!(unpack(&packed, data.len() - 1, props), Err(Error::TooLong));
    assert_eq!(
        unpack(&packed, data.len() - 200, props),
        Err(Error::TooLong)
    );
    assert_eq!(unpack(&packed, data.len() + 1, props), Err(Error::TooShort));
    assert_eq!(unpack(&packed, 0, props), Err(Error::TooLong));
}

#[test]
fn a_cut_stream_is_refused() {
    let data = inputs().remove(4).1;
    let packed = xz(&data, "preset=9e,lc=4,lp=0,pb=0");
    for cut in [0, 1, 4, 5, 6, packed.len() / 2, packed.len() - 1] {
        assert!(
            unpack(&packed[..cut], data.len(), 4).is_err(),
            "cut at {cut}"
        );
    }
}

#[test]
fn damaged_streams_end_in_an_error_never_a_panic() {
    let data = inputs().remove(4).1;
    let packed = xz(&data, "preset=9e,lc=4,lp=0,pb=0");
    let mut next = rng(20_261_127);
    let (mut refused, mut intact) = (0, 0);
    for i in 0..2_000 {
        let mut damaged = packed.clone();
        for _ in 0..1 + i % 4 {
            let at = next() as usize % damaged.len();
            damaged[at] ^= 1 << (next() % 8);
        }
        // A panic fails the test; either outcome is otherwise allowed.
        match unpack(&damaged, data.len(), 4) {
            Ok(_) => intact += 1,
            Err(_) => refused += 1,
        }
    }
    // Raw LZMA has no checksum, but the end marker after the expected size catches most damage.
    assert!(
        refused > 1_800,
        "{refused} of 2,000 damaged streams refused, {intact} decoded"
    );
}
