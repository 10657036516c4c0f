//! A small self-contained PRNG (xoshiro256**, seeded with SplitMix64) so that a `--seed`
//! gives the same plan forever, independent of crate upgrades; and the triangular
//! distribution every prior is sampled from.

/// SplitMix64: expands a 64-bit seed into the xoshiro state.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256** 1.0 (Blackman & Vigna).
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut sm = seed;
        Rng {
            s: [
                splitmix64(&mut sm),
                splitmix64(&mut sm),
                splitmix64(&mut sm),
                splitmix64(&mut sm),
            ],
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1) with 53 bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Standard normal (Box–Muller; one of the pair, so each call uses two uniforms).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.next_f64(); // (0, 1]: ln is finite
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Uniform index in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 11) as u128 * n as u128) >> 53) as usize
    }
}

/// Triangular distribution over [min, max] with the given mode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tri {
    pub min: f64,
    pub mode: f64,
    pub max: f64,
    /// CDF at the mode, and the two constants of the inverse CDF (precomputed: the
    /// simulation samples millions of times).
    fc: f64,
    k1: f64,
    k2: f64,
}

impl Tri {
    pub fn new(min: f64, mode: f64, max: f64) -> Tri {
        let mode = mode.clamp(min, max);
        let w = max - min;
        let fc = if w > 0.0 { (mode - min) / w } else { 0.0 };
        Tri {
            min,
            mode,
            max,
            fc,
            k1: w * (mode - min),
            k2: w * (max - mode),
        }
    }

    /// Inverse CDF at `u` in [0, 1).
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        if self.max <= self.min {
            return self.min;
        }
        if u < self.fc {
            self.min + (u * self.k1).sqrt()
        } else {
            self.max - ((1.0 - u) * self.k2).sqrt()
        }
    }

    /// One draw: X = min + w·((1 − f)·min(U, V) + f·max(U, V)) with f the mode's position in
    /// [0, 1] is triangular (Stein & Keblis 2009, "A new method to simulate the triangular
    /// distribution"): two uniforms, no square root, no branch.
    #[inline]
    pub fn sample(&self, rng: &mut Rng) -> f64 {
        // Two 32-bit uniforms from one 64-bit draw (resolution 2^-32 is plenty for seconds).
        let x = rng.next_u64();
        let scale = 1.0 / (1u64 << 32) as f64;
        let (u, v) = ((x >> 32) as f64 * scale, (x & 0xFFFF_FFFF) as f64 * scale);
        let (lo, hi) = if u < v { (u, v) } else { (v, u) };
        self.min + (self.max - self.min) * ((1.0 - self.fc) * lo + self.fc * hi)
    }

    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    pub fn mean(&self) -> f64 {
        (self.min + self.mode + self.max) / 3.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_and_xoshiro_match_the_reference_vectors() {
        // Reference outputs of the C implementations (Vigna): a change here would change
        // every seeded plan.
        let mut sm = 0u64;
        assert_eq!(splitmix64(&mut sm), 0xE220_A839_7B1D_CDAF);
        let mut r = Rng { s: [1, 2, 3, 4] };
        let got: Vec<u64> = (0..4).map(|_| r.next_u64()).collect();
        assert_eq!(got, vec![11520, 0, 1509978240, 1215971899390074240]);
        let (mut a, mut b) = (Rng::new(42), Rng::new(42));
        assert!((0..100).all(|_| a.next_u64() == b.next_u64()));
    }

    #[test]
    fn triangular_stays_in_range_and_has_the_mode_as_peak() {
        let t = Tri::new(10.0, 20.0, 60.0);
        let mut r = Rng::new(7);
        let xs: Vec<f64> = (0..20_000).map(|_| t.sample(&mut r)).collect();
        assert!(xs.iter().all(|x| (10.0..=60.0).contains(x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mean - t.mean()).abs() < 0.5, "mean {mean} vs {}", t.mean());
        assert_eq!(Tri::new(5.0, 5.0, 5.0).sample(&mut r), 5.0);
        // The share below the mode is (mode - min) / (max - min) = 0.2, and the median is the
        // analytic one.
        let below = xs.iter().filter(|&&x| x < 20.0).count() as f64 / xs.len() as f64;
        assert!((below - 0.2).abs() < 0.01, "share below the mode {below}");
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        assert!(
            (sorted[sorted.len() / 2] - t.median()).abs() < 0.5,
            "median {} vs {}",
            sorted[sorted.len() / 2],
            t.median()
        );
    }
}
