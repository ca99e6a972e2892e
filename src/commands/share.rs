//! `mockview share SESSION -o FILE.html [--answers 1,3] [--no-feedback] [--force]`:
//! write the page a reviewer opens (audio embedded), and say how big it is.

use super::UsageError;
use crate::cli::ShareArgs;
use crate::report::{ShareError, ShareOptions};
use crate::session::SessionStore;
use anyhow::Result;
use std::io::Write;

pub fn run(store: &SessionStore, args: ShareArgs) -> Result<()> {
    if args.output.is_dir() {
        return Err(UsageError(format!(
            "-o {}: is a folder; give a file name",
            args.output.display()
        ))
        .into());
    }
    let dir = store.resolve(&args.session)?;
    let opts = ShareOptions {
        answers: args.answers,
        no_feedback: args.no_feedback,
        force: args.force,
    };
    let shared = match crate::report::share(&dir, &args.output, &opts) {
        Err(e @ ShareError::NoAnswer { .. }) => return Err(UsageError(e.to_string()).into()),
        r => r?,
    };
    writeln!(
        std::io::stdout().lock(),
        "wrote {} ({:.1} MB, {} answer{}, {} of audio): send it to your reviewer; \
they open it in a browser and send back a review file for `mockview import`",
        shared.path.display(),
        shared.bytes as f64 / 1e6,
        shared.answers,
        if shared.answers == 1 { "" } else { "s" },
        crate::clock::prose(shared.audio_seconds)
    )?;
    Ok(())
}
