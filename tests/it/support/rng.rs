//! xorshift64*: a seeded pseudo-random generator with no crate, so a
//! failing random run can be replayed from the seed it printed.

use std::time::{SystemTime, UNIX_EPOCH};

pub struct Rng {
    state: u64,
    seed: u64,
}

impl Rng {
    /// Seeded from the environment variable `var` if it holds a number,
    /// else from the clock; the seed is printed as `var=<seed>`, ready to
    /// replay the run.
    pub fn from_env_or_clock(var: &str) -> Rng {
        let seed = std::env::var(var)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| {
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1)
            })
            | 1;
        eprintln!("seed {seed} (rerun with {var}={seed})");
        Rng { state: seed, seed }
    }

    /// The seed this generator started from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }

    /// Four hex digits.
    pub fn tag(&mut self) -> String {
        format!("{:04x}", self.next() & 0xffff)
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}
