//! Chaining single-hop plans into one multi-hop plan.

use super::ir::Plan;
use super::model::HopDef;

/// Chain single-hop plans into one: step ids get the hop as prefix (`6-7/keystone`), and the
/// first steps of a hop wait for every last step of the hop before.
pub fn chain(first: Plan, rest: Vec<Plan>) -> Plan {
    let mut out = first;
    if rest.is_empty() {
        return out;
    }
    let label = |h: &HopDef| format!("{}-{}", h.from, h.to);
    let first_label = label(&out.hops[0]);
    for s in &mut out.steps {
        s.id = format!("{first_label}/{}", s.id);
    }
    for sk in &mut out.skipped {
        sk.hops = vec![first_label.clone()];
    }
    for p in rest {
        let offset = out.steps.len();
        let hop_index = out.hops.len();
        let prev_hop = hop_index - 1;
        let sinks: Vec<usize> = (0..offset)
            .filter(|&i| {
                out.steps[i].hop == prev_hop
                    && !out
                        .steps
                        .iter()
                        .any(|s| s.hop == prev_hop && s.deps.contains(&i))
            })
            .collect();
        let l = label(&p.hops[0]);
        for mut s in p.steps {
            s.id = format!("{l}/{}", s.id);
            s.deps = s.deps.iter().map(|d| d + offset).collect();
            if s.deps.is_empty() {
                s.deps = sinks.clone();
            }
            s.hop = hop_index;
            out.steps.push(s);
        }
        out.order.extend(p.order.iter().map(|o| o + offset));
        for (k, v) in p.conditions {
            let e = out.conditions.entry(k).or_insert(false);
            *e |= v;
        }
        for mut sk in p.skipped {
            match out
                .skipped
                .iter_mut()
                .find(|x| x.id == sk.id && x.why == sk.why)
            {
                Some(x) => x.hops.push(l.clone()),
                None => {
                    sk.hops = vec![l.clone()];
                    out.skipped.push(sk);
                }
            }
        }
        out.hops.extend(p.hops);
    }
    // Skipped in every hop: no need to name them.
    let all = out.hops.len();
    for sk in &mut out.skipped {
        if sk.hops.len() == all {
            sk.hops.clear();
        }
    }
    out
}
