//! Plain-text and Markdown tables.

use std::cell::Cell;

thread_local! {
    /// Columns the text tables of this command may use (`None`: no limit). Set once per
    /// command by the CLI from `$COLUMNS` or the terminal's width ([`set_width`]); one
    /// command runs on one thread, so in-process runs side by side do not see each other's.
    static WIDTH: Cell<Option<usize>> = const { Cell::new(None) };
}

/// The narrowest a column is shrunk to when a table does not fit.
const MIN_COLUMN: usize = 8;

/// Limit the text tables rendered on this thread to `width` columns.
pub fn set_width(width: Option<usize>) {
    WIDTH.with(|w| w.set(width));
}

/// Column widths that fit `max` (two spaces between columns): the widest column loses a
/// character at a time, down to [`MIN_COLUMN`].
fn fit(width: &mut [usize], max: usize) {
    let total = |w: &[usize]| w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1);
    while total(width) > max {
        let Some((i, w)) = width.iter().copied().enumerate().max_by_key(|(_, w)| *w) else {
            return;
        };
        if w <= MIN_COLUMN {
            return;
        }
        width[i] -= 1;
    }
}

/// `c` cut to `width` characters, the cut marked with `…`.
fn cut(c: &str, width: usize) -> String {
    if c.chars().count() <= width {
        return c.to_string();
    }
    let mut s: String = c.chars().take(width.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// A table with a header row. Cells are plain text.
#[derive(Debug, Default, Clone)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Table {
        Table {
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) -> &mut Self {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Aligned columns separated by two spaces, header underlined.
    pub fn to_text(&self) -> String {
        let cols = self.header.len();
        let mut width = vec![0usize; cols];
        for r in std::iter::once(&self.header).chain(&self.rows) {
            for (i, c) in r.iter().enumerate().take(cols) {
                width[i] = width[i].max(c.chars().count());
            }
        }
        if let Some(max) = WIDTH.with(Cell::get) {
            fit(&mut width, max);
        }
        let line = |r: &Vec<String>| {
            let cells: Vec<String> = (0..cols)
                .map(|i| {
                    let c = cut(r.get(i).map(String::as_str).unwrap_or(""), width[i]);
                    format!("{c}{}", " ".repeat(width[i] - c.chars().count()))
                })
                .collect();
            format!("{}\n", cells.join("  ").trim_end())
        };
        let mut out = line(&self.header);
        out.push_str(&line(&width.iter().map(|w| "-".repeat(*w)).collect()));
        for r in &self.rows {
            out.push_str(&line(r));
        }
        out
    }

    /// A GitHub-flavoured Markdown table; every cell is escaped
    /// ([`super::escape::markdown_cell`]): a `|` or a line break in a cell cannot add a cell or
    /// a row, nor text become a link or HTML.
    pub fn to_markdown(&self) -> String {
        let esc = super::escape::markdown_cell;
        let mut out = format!(
            "| {} |\n",
            self.header
                .iter()
                .map(|c| esc(c))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        out.push_str(&format!(
            "|{}|\n",
            self.header
                .iter()
                .map(|_| "---")
                .collect::<Vec<_>>()
                .join("|")
        ));
        for r in &self.rows {
            out.push_str(&format!(
                "| {} |\n",
                r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_wider_than_the_limit_shrinks_its_widest_column_and_marks_cuts() {
        let mut t = Table::new(["id", "description"]);
        t.row(["a", "a rather long description of the step"]);
        t.row(["bb", "short"]);
        set_width(Some(20));
        let text = t.to_text();
        set_width(None);
        assert_eq!(
            text,
            "id  description\n--  ----------------\na   a rather long d…\nbb  short\n"
        );
        assert!(text.lines().all(|l| l.chars().count() <= 20));
        // Without a limit nothing is cut; a limit below the narrowest stops at MIN_COLUMN.
        assert!(t.to_text().contains("description of the step"));
        set_width(Some(3));
        let narrow = t.to_text();
        set_width(None);
        assert!(narrow.contains("a rathe…"), "{narrow}");
    }
}
