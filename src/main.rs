//! The binary: parse arguments, run the command, map errors to exit codes.
//! (No `print!`/`eprint!` macros: see the library's top comment.)
#![deny(clippy::print_stdout, clippy::print_stderr)]

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = mockview::cli::Cli::parse();
    match mockview::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // Output piped into `head` that stops reading: a normal end.
        Err(e) if mockview::commands::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Ctrl-C: exit 130 without a message; the user knows why it stopped.
            if e.downcast_ref::<mockview::commands::Interrupted>()
                .is_none()
            {
                mockview::ui::stderr_line(format!(
                    "mockview: {}",
                    mockview::commands::error_chain(&e)
                ));
            }
            ExitCode::from(mockview::commands::exit_code(&e))
        }
    }
}
