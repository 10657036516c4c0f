//! The step graph: cycle detection that names the cycle, a topological run order that keeps
//! the catalog order on ties, and the critical path.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// `deps[i]` are the steps `i` waits for. Returns one cycle, each step listed in `after` of the
/// next (it would have to run before it), if any.
pub fn find_cycle(deps: &[Vec<usize>]) -> Option<Vec<usize>> {
    // 0 = unvisited, 1 = on stack, 2 = done. Iterative DFS to stay safe on big graphs.
    let n = deps.len();
    let mut color = vec![0u8; n];
    let mut parent = vec![usize::MAX; n];
    for root in 0..n {
        if color[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        color[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&w) = deps[v].get(*next) {
                *next += 1;
                match color[w] {
                    0 => {
                        color[w] = 1;
                        parent[w] = v;
                        stack.push((w, 0));
                    }
                    1 => {
                        // v waits for w, which is on the stack: w → … → v → w.
                        let mut cycle = vec![v];
                        let mut x = v;
                        while x != w {
                            x = parent[x];
                            cycle.push(x);
                        }
                        // parent(x) waits for x, so each step runs before the next.
                        return Some(cycle);
                    }
                    _ => {}
                }
            } else {
                color[v] = 2;
                stack.pop();
            }
        }
    }
    None
}

/// Kahn's algorithm; among ready steps the lowest index (catalog order) runs first.
/// Err holds a cycle when there is one.
pub fn topo_order(deps: &[Vec<usize>]) -> Result<Vec<usize>, Vec<usize>> {
    let n = deps.len();
    let mut indeg = vec![0usize; n];
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, ds) in deps.iter().enumerate() {
        indeg[i] = ds.len();
        for &d in ds {
            users[d].push(i);
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> =
        (0..n).filter(|&i| indeg[i] == 0).map(Reverse).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse(i)) = ready.pop() {
        order.push(i);
        for &u in &users[i] {
            indeg[u] -= 1;
            if indeg[u] == 0 {
                ready.push(Reverse(u));
            }
        }
    }
    if order.len() == n {
        Ok(order)
    } else {
        Err(find_cycle(deps).unwrap_or_default())
    }
}

/// Start times when every step starts as soon as its dependencies are done.
pub fn earliest_starts(deps: &[Vec<usize>], order: &[usize], dur: &[f64], start: &mut [f64]) {
    for &i in order {
        start[i] = deps[i]
            .iter()
            .map(|&d| start[d] + dur[d])
            .fold(0.0, f64::max);
    }
}

/// Start times when steps run one after another in `order`.
pub fn sequential_starts(order: &[usize], dur: &[f64], start: &mut [f64]) {
    let mut t = 0.0;
    for &i in order {
        start[i] = t;
        t += dur[i];
    }
}

/// The longest dependency chain with these durations, first step first.
pub fn critical_path(deps: &[Vec<usize>], order: &[usize], dur: &[f64]) -> Vec<usize> {
    let n = deps.len();
    let mut start = vec![0.0; n];
    earliest_starts(deps, order, dur, &mut start);
    let Some(mut last) = (0..n).max_by(|&a, &b| {
        (start[a] + dur[a])
            .total_cmp(&(start[b] + dur[b]))
            .then(b.cmp(&a))
    }) else {
        return Vec::new();
    };
    let mut path = vec![last];
    while let Some(&p) = deps[last]
        .iter()
        .max_by(|&&a, &&b| (start[a] + dur[a]).total_cmp(&(start[b] + dur[b])))
    {
        path.push(p);
        last = p;
    }
    path.reverse();
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycle_is_found_and_named_in_order() {
        // 0 ← 1 ← 2 ← 1 (1 and 2 wait on each other)
        let deps = vec![vec![], vec![0, 2], vec![1]];
        let c = find_cycle(&deps).unwrap();
        assert_eq!(c.len(), 2);
        assert!(c.contains(&1) && c.contains(&2));
        assert!(topo_order(&deps).is_err());
    }

    #[test]
    fn topo_keeps_catalog_order_on_ties() {
        let deps = vec![vec![], vec![], vec![0], vec![1]];
        assert_eq!(topo_order(&deps).unwrap(), vec![0, 1, 2, 3]);
        let deps = vec![vec![1], vec![], vec![]];
        assert_eq!(topo_order(&deps).unwrap(), vec![1, 0, 2]);
    }

    #[test]
    fn critical_path_follows_the_longest_chain() {
        let deps = vec![vec![], vec![0], vec![0], vec![1, 2]];
        let dur = [1.0, 5.0, 2.0, 1.0];
        assert_eq!(critical_path(&deps, &[0, 1, 2, 3], &dur), vec![0, 1, 3]);
    }
}
