//! "Did you mean …?": the names closest to a word the user typed. Both are linear in the
//! number of candidates and give nothing for absurdly long words (the comparison is
//! quadratic in the lengths).

/// The candidate closest to `word`, if any is reasonably close (a normalized
/// Damerau-Levenshtein similarity of at least 0.5).
///
/// Linear in the input: a word longer than [`super::limits::SUGGEST_MAX_CHARS`] gets no
/// suggestion, and candidates whose length alone rules them out are not compared.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    if len > super::limits::SUGGEST_MAX_CHARS {
        return None;
    }
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| {
            // similarity ≤ 1 - |len difference| / longer length
            let clen = c.chars().count();
            let longer = len.max(clen).max(1);
            2 * len.abs_diff(clen) <= longer
        })
        .map(|c| {
            (
                strsim::normalized_damerau_levenshtein(&word, &c.to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `; did you mean a, b?` for an error message, or nothing when there is no suggestion.
pub fn did_you_mean(nearest: &[String]) -> String {
    if nearest.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", nearest.join(", "))
    }
}

/// Up to three names closest to `word`, best first: typo distance, then shared prefix.
pub fn nearest_names<'a>(word: &str, names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    // Neither score reaches 0.5 when one name is over twice as long as the other; a huge
    // word gets no suggestion at all (the comparison is quadratic in the lengths).
    if word.len() > super::limits::SUGGEST_MAX_CHARS {
        return Vec::new();
    }
    let mut scored: Vec<(f64, &str)> = names
        .into_iter()
        .filter(|n| 2 * n.len().abs_diff(word.len()) <= n.len().max(word.len()).max(1))
        .map(|n| {
            let typo = strsim::normalized_damerau_levenshtein(word, n);
            let prefix = word
                .chars()
                .zip(n.chars())
                .take_while(|(a, b)| a == b)
                .count() as f64
                / word.len().max(n.len()).max(1) as f64;
            (typo.max(prefix), n)
        })
        .filter(|(s, _)| *s >= 0.5)
        .collect();
    let len_gap = |n: &str| (n.len() as i64 - word.len() as i64).abs();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(len_gap(a.1).cmp(&len_gap(b.1)))
            .then(a.1.cmp(b.1))
    });
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(3)
        .map(|(_, n)| n.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_and_far_words_get_no_suggestion() {
        let ids = ["keystone", "nova", "neutron", "glance", "cinder", "octavia"];
        let huge = "k".repeat(16 * 1024 * 1024);
        assert_eq!(nearest(&huge, ids), None);
        assert!(nearest_names(&huge, ids).is_empty());
        let long = format!("{}x", "keystone".repeat(20));
        assert_eq!(nearest(&long, ids), None);
        assert_eq!(nearest("keystnoe", ids), Some("keystone"));
        assert_eq!(nearest_names("neutorn", ids), ["neutron"]);
    }
}
