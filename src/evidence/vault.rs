//! ansible-vault: whole encrypted files and inline `!vault` values (format 1.1 and 1.2).
//! Decrypted text stays inside the check engine; it is never rendered.

use std::fmt;
use std::path::Path;

use super::EvidenceError;

/// The vault password. Its `Debug` never shows it.
#[derive(Clone)]
pub struct VaultKey(String);

impl fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VaultKey(<redacted>)")
    }
}

impl VaultKey {
    pub fn new(password: impl Into<String>) -> Self {
        VaultKey(password.into())
    }

    /// Read a password file as `ansible-vault --vault-password-file` does for plain files:
    /// the first line, without its line ending. (Executable password scripts are not run.)
    pub fn from_file(path: &Path) -> Result<VaultKey, EvidenceError> {
        let text = crate::base::limits::read_text(path, 64 * 1024, "a vault password file")
            .map_err(|e| EvidenceError::VaultPassword {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        let first = text.lines().next().unwrap_or("").trim_end_matches('\r');
        if first.is_empty() {
            return Err(EvidenceError::VaultPassword {
                path: path.to_path_buf(),
                message: "the file is empty".into(),
            });
        }
        Ok(VaultKey(first.to_string()))
    }
}

/// Does this text start with an ansible-vault header?
pub fn is_vault(text: &str) -> bool {
    text.trim_start().starts_with("$ANSIBLE_VAULT;")
}

/// Decrypt vault text (header line + hex payload, any indentation). The error is a reason
/// for the user, without any secret.
pub fn decrypt(text: &str, key: &VaultKey) -> Result<String, String> {
    let mut lines = text.trim_start().lines();
    let header = lines.next().unwrap_or("").trim();
    let parts: Vec<&str> = header.split(';').collect();
    match parts.as_slice() {
        ["$ANSIBLE_VAULT", "1.1", "AES256"] | ["$ANSIBLE_VAULT", "1.2", "AES256", _] => {}
        _ => {
            return Err(
                "unsupported vault header (expected $ANSIBLE_VAULT;1.1;AES256 or $ANSIBLE_VAULT;1.2;AES256;ID)"
                    .into(),
            );
        }
    }
    let payload: String = lines.map(str::trim).collect();
    match ansible_vault::decrypt(payload.as_bytes(), &key.0) {
        Ok(bytes) => {
            String::from_utf8(bytes).map_err(|_| "the decrypted text is not UTF-8".to_string())
        }
        // The crate does not export its ErrorKind; its Debug name is stable.
        Err(e) if format!("{:?}", e.kind) == "IncorrectSecret" => {
            Err("wrong vault password (the HMAC does not match)".into())
        }
        Err(e) => Err(format!("damaged vault data ({})", e.message)),
    }
}
