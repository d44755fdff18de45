//! Progress on the terminal (stderr) for what takes a while: a transaction on its way to
//! finality, uploads and downloads, batches. Nothing is drawn with `--json` or when stderr is
//! not a terminal, so scripts see only the command's output.

use std::{sync::Arc, time::Duration};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::{chain::Stage, vault_client::Progress};

/// How often a spinner moves.
const TICK: Duration = Duration::from_millis(120);

/// A bar drawn on stderr, or a hidden one with `--json` (indicatif also hides it when stderr
/// is not a terminal).
fn target(json: bool) -> ProgressDrawTarget {
	if json {
		ProgressDrawTarget::hidden()
	} else {
		ProgressDrawTarget::stderr()
	}
}

/// A spinner with `message`.
pub fn spinner(json: bool, message: &str) -> ProgressBar {
	let bar = ProgressBar::with_draw_target(None, target(json));
	bar.set_style(
		ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
			.unwrap_or_else(|_| ProgressStyle::default_spinner()),
	);
	bar.set_message(message.to_owned());
	bar.enable_steady_tick(TICK);
	bar
}

/// Shows the transaction `name` reaching `stage`.
pub fn stage(bar: &ProgressBar, name: &str, stage: Stage) {
	let words = match stage {
		Stage::InPool => "waiting for a block".to_owned(),
		Stage::InBlock(hash) => format!("in block 0x{}…, waiting for finality", hex::encode(&hash[..4])),
		Stage::Finalized(_) => "finalized, reading its events".to_owned(),
	};
	bar.set_message(format!("{name}: {words}"));
}

/// A bar over `total` items of a batch, e.g. blocks scanned.
pub fn items(json: bool, total: u64, message: &str) -> ProgressBar {
	let bar = ProgressBar::with_draw_target(Some(total), target(json));
	bar.set_style(
		ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})")
			.unwrap_or_else(|_| ProgressStyle::default_bar())
			.progress_chars("=> "),
	);
	bar.set_message(message.to_owned());
	bar
}

/// A bar over the bytes of uploads and downloads, fed by the vault client's progress
/// callback; each transfer restarts it with its own length and name.
pub fn transfers(json: bool) -> (ProgressBar, Arc<dyn Fn(Progress) + Send + Sync>) {
	let bar = ProgressBar::with_draw_target(Some(0), target(json));
	bar.set_style(
		ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec})")
			.unwrap_or_else(|_| ProgressStyle::default_bar())
			.progress_chars("=> "),
	);
	let shown = bar.clone();
	let report = move |progress: Progress| {
		let (verb, done, total) = match progress {
			Progress::Upload { done, total } => ("upload", done, Some(total)),
			Progress::Download { done, total } => ("download", done, total),
		};
		if done == 0 {
			shown.reset();
			shown.set_message(verb);
		}
		shown.set_length(total.unwrap_or(done));
		shown.set_position(done);
	};
	(bar, Arc::new(report))
}
