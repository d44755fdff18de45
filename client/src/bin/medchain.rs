//! The `medchain` command-line tool: keys, encrypted records in a vault, consent on chain. See
//! the `medchain_client` crate documentation ("The medchain command") and `medchain --help`.

use std::{io::Write, process::ExitCode};

use clap::Parser;

use medchain_client::cli::{
	self,
	output::{EXIT_FAILURE, EXIT_USAGE},
	Cli,
};

fn main() -> ExitCode {
	let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
	let cli = match Cli::try_parse_from(&args) {
		Ok(cli) => cli,
		// --help and --version: clap prints them on stdout.
		Err(error) if !error.use_stderr() => {
			let _ = error.print();
			return ExitCode::SUCCESS;
		},
		Err(error) => {
			let reason = cli::usage_reason(&error, &args);
			if args.iter().any(|arg| arg == "--json") {
				let object = serde_json::json!({
					"ok": false,
					"error": { "kind": "usage", "message": reason, "exit_code": EXIT_USAGE },
				});
				println!("{object}");
			} else {
				eprintln!("medchain: {reason}");
			}
			return exit(EXIT_USAGE);
		},
	};
	let command = cli.command.name();
	let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
		Ok(runtime) => runtime,
		Err(error) => {
			eprintln!("medchain: the async runtime could not start: {error}");
			return exit(EXIT_FAILURE);
		},
	};
	match runtime.block_on(cli::run(&cli)) {
		Ok(output) => {
			let mut stdout = std::io::stdout().lock();
			let written = match (&output.raw, cli.json) {
				(Some(raw), false) => stdout.write_all(raw),
				_ => writeln!(stdout, "{}", cli::render(command, &output, cli.json)),
			};
			if let Err(error) = written.and_then(|()| stdout.flush()) {
				eprintln!("medchain: stdout: {error}");
				return exit(EXIT_FAILURE);
			}
			exit(output.exit_code)
		},
		Err(error) => {
			let (text, to_stdout) = cli::render_error(command, &error, cli.json);
			if to_stdout {
				println!("{text}");
			} else {
				eprintln!("{text}");
			}
			exit(error.kind.exit_code())
		},
	}
}

/// The process exit code `code` (0 to 255).
fn exit(code: i32) -> ExitCode {
	ExitCode::from(u8::try_from(code).unwrap_or(1))
}
