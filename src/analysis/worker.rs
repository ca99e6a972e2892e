//! A block consumer on a thread of its own: the analysis hands the same
//! blocks of samples to the loudness meter and to the pitch tracker, each
//! on its own thread, so on a machine with free cores they cost the
//! analysis no wall time. Blocks are copied into recycled buffers, so the
//! steady state allocates nothing. Should a thread not start, its consumer
//! runs inline.

use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread::JoinHandle;

/// Blocks in flight to a thread: enough that the calling thread can run
/// ahead for a whole scheduler time slice (with 4 blocks of 16 k samples a
/// queue emptied within a tenth of a millisecond, and the three threads of
/// the hour benchmark kept two cores only 1.5 times busy), few enough to
/// keep memory small (16 blocks of 64 k samples, 2 MB per thread).
const QUEUE_BLOCKS: usize = 16;

/// What a [`Worker`] runs: something fed blocks of mono samples.
pub(crate) trait BlockSink: Send + 'static {
    fn push(&mut self, block: &[i16]);
}

pub(crate) struct Worker<S: BlockSink> {
    inner: Inner<S>,
}

enum Inner<S> {
    Thread {
        blocks: SyncSender<Vec<i16>>,
        spare: Receiver<Vec<i16>>,
        handle: JoinHandle<S>,
    },
    Inline(Box<S>),
}

impl<S: BlockSink> Worker<S> {
    /// Start `make()`'s consumer on a thread named `name`.
    pub(crate) fn new(name: &str, make: impl Fn() -> S) -> Self {
        let (blocks, incoming) = mpsc::sync_channel::<Vec<i16>>(QUEUE_BLOCKS);
        let (give_back, spare) = mpsc::channel::<Vec<i16>>();
        let sink = make();
        let spawned = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || run(sink, incoming, give_back));
        let inner = match spawned {
            Ok(handle) => Inner::Thread {
                blocks,
                spare,
                handle,
            },
            Err(_) => Inner::Inline(Box::new(make())),
        };
        Self { inner }
    }

    pub(crate) fn push(&mut self, block: &[i16]) {
        match &mut self.inner {
            Inner::Thread { blocks, spare, .. } => {
                let mut buf = spare.try_recv().unwrap_or_default();
                buf.clear();
                buf.extend_from_slice(block);
                // A send fails only if the thread has gone (it panicked);
                // `finish` then reports nothing rather than a wrong result.
                let _ = blocks.send(buf);
            }
            Inner::Inline(sink) => sink.push(block),
        }
    }

    /// The consumer after every block; `None` if its thread panicked.
    pub(crate) fn finish(self) -> Option<S> {
        match self.inner {
            Inner::Thread { blocks, handle, .. } => {
                drop(blocks);
                handle.join().ok()
            }
            Inner::Inline(sink) => Some(*sink),
        }
    }
}

fn run<S: BlockSink>(mut sink: S, incoming: Receiver<Vec<i16>>, give_back: Sender<Vec<i16>>) -> S {
    for block in incoming {
        sink.push(&block);
        // The analysis may already have finished and dropped its end.
        let _ = give_back.send(block);
    }
    sink
}
