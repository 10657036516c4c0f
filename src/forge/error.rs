//! Errors from the forge (GitHub). Messages never contain the token: they are built from
//! the request's description, the status and GitHub's `message`, never from headers.

/// Why an answer from GitHub is missing. Cloneable: one failed batch query becomes the
/// reason of every cell it would have answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForgeError {
    #[error(
        "no GitHub token: set GITHUB_TOKEN or GH_TOKEN, or log in with `gh auth login` (GitHub's GraphQL API needs one)"
    )]
    NoToken,
    #[error(
        "GitHub rejected the token (401 {message}): check GITHUB_TOKEN / GH_TOKEN and that it has not expired"
    )]
    BadCredentials { message: String },
    #[error(
        "GitHub rate limit{} for {what}: waiting {needed_secs}s would exceed --max-wait {max_wait_secs}s{}",
        if *secondary { " (secondary)" } else { "" },
        reset.as_ref().map(|r| format!("; the limit resets at {r}")).unwrap_or_default()
    )]
    RateLimited {
        what: String,
        needed_secs: u64,
        max_wait_secs: u64,
        /// When the limit resets (UTC, RFC 3339), when GitHub said so.
        reset: Option<String>,
        secondary: bool,
    },
    #[error("GitHub answered {status} for {what}: {message}")]
    Http {
        status: u16,
        what: String,
        message: String,
    },
    #[error("GitHub did not answer {what} within {limit} (--timeout)")]
    Timeout { what: String, limit: String },
    #[error("GitHub answered {what} with malformed JSON ({detail})")]
    Malformed { what: String, detail: String },
    #[error("cannot reach GitHub at {base} for {what} ({detail})")]
    Transport {
        base: String,
        what: String,
        detail: String,
    },
    #[error("repository {repo} not found on GitHub (or not visible to the token)")]
    NotFound { repo: String },
    #[error("GitHub GraphQL error for {what}: {message}")]
    GraphQl { what: String, message: String },
    #[error("invalid GitHub API URL `{url}`: {detail}")]
    BadUrl { url: String, detail: String },
    #[error("offline: no cached GitHub answer for {repo}")]
    NotCached { repo: String },
    #[error("cannot start the async runtime for GitHub requests: {detail}")]
    Runtime { detail: String },
}

impl ForgeError {
    /// A short reason for a table cell ("rate limited", "401 bad token").
    pub fn short(&self) -> String {
        match self {
            ForgeError::NoToken => "no GitHub token".into(),
            ForgeError::BadCredentials { .. } => "GitHub 401 bad token".into(),
            ForgeError::RateLimited { .. } => "GitHub rate limited".into(),
            ForgeError::Http { status, .. } => format!("GitHub {status}"),
            ForgeError::Timeout { .. } => "GitHub timeout".into(),
            ForgeError::Malformed { .. } => "GitHub malformed JSON".into(),
            ForgeError::Transport { .. } => "GitHub unreachable".into(),
            ForgeError::NotFound { .. } => "repo not on GitHub".into(),
            ForgeError::GraphQl { .. } => "GitHub GraphQL error".into(),
            ForgeError::BadUrl { .. } => "bad GitHub URL".into(),
            ForgeError::NotCached { .. } => "offline, not cached".into(),
            ForgeError::Runtime { .. } => "no async runtime".into(),
        }
    }
}
