//! A block consumer on a thread of its own: the analysis hands the same
//! blocks of samples to the loudness meter and to the pitch tracker, each
//! on its own thread, so on a machine with free cores they cost the
//! analysis no wall time. A block is copied once, into a buffer the
//! threads share ([`BlockPool`]), and the buffer is reused once every
//! thread is done with it, so the steady state allocates nothing. Should a
//! thread not start, its consumer runs inline.

use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

/// Blocks in flight to a thread: enough that the calling thread can run
/// ahead for a whole scheduler time slice (with 4 blocks of 16 k samples a
/// queue emptied within a tenth of a millisecond, and the three threads of
/// the hour benchmark kept two cores only 1.5 times busy), few enough to
/// keep memory small (16 blocks of 64 k samples, 2 MB, shared by the threads).
const QUEUE_BLOCKS: usize = 16;

/// A block of mono samples shared by the threads.
pub(crate) type Block = Arc<Vec<i16>>;

/// The buffers of the blocks in flight.
#[derive(Default)]
pub(crate) struct BlockPool {
    buffers: Vec<Block>,
}

impl BlockPool {
    /// `samples` in a buffer no thread holds any more (a new one if all
    /// are in flight).
    pub(crate) fn share(&mut self, samples: &[i16]) -> Block {
        for buffer in &mut self.buffers {
            if let Some(v) = Arc::get_mut(buffer) {
                v.clear();
                v.extend_from_slice(samples);
                return Arc::clone(buffer);
            }
        }
        let block = Arc::new(samples.to_vec());
        self.buffers.push(Arc::clone(&block));
        block
    }

    /// A buffer no thread holds any more, filled by `read` (given room for
    /// `max` samples; it returns how many it wrote): the samples go
    /// straight into the shared buffer instead of being copied there.
    pub(crate) fn fill<E>(
        &mut self,
        max: usize,
        read: impl FnOnce(&mut [i16]) -> Result<usize, E>,
    ) -> Result<(Block, usize), E> {
        let free = self
            .buffers
            .iter_mut()
            .position(|b| Arc::get_mut(b).is_some());
        let at = match free {
            Some(at) => at,
            None => {
                self.buffers.push(Arc::new(Vec::new()));
                self.buffers.len() - 1
            }
        };
        let buffer = &mut self.buffers[at];
        // No thread holds it, so this is the buffer itself, not a copy.
        let v = Arc::make_mut(buffer);
        // Only a short block (the last) leaves less than `max` to refill.
        if v.len() < max {
            v.resize(max, 0);
        }
        let n = read(&mut v[..max])?.min(max);
        v.truncate(n);
        Ok((Arc::clone(buffer), n))
    }
}

/// What a [`Worker`] runs: something fed blocks of mono samples.
pub(crate) trait BlockSink: Send + 'static {
    fn push(&mut self, block: &[i16]);
}

pub(crate) struct Worker<S: BlockSink> {
    inner: Inner<S>,
}

enum Inner<S> {
    Thread {
        blocks: SyncSender<Message<S>>,
        handle: JoinHandle<S>,
    },
    Inline(Box<S>),
}

/// What a thread is sent: a block to consume, or a last job to run on the
/// consumer after the blocks (see [`Worker::then`]).
enum Message<S> {
    Block(Block),
    Then(Box<dyn FnOnce(&mut S) + Send>),
}

impl<S: BlockSink> Worker<S> {
    /// Start `make()`'s consumer on a thread named `name`.
    pub(crate) fn new(name: &str, make: impl Fn() -> S) -> Self {
        let (blocks, incoming) = mpsc::sync_channel::<Message<S>>(QUEUE_BLOCKS);
        let sink = make();
        let spawned = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || run(sink, incoming));
        let inner = match spawned {
            Ok(handle) => Inner::Thread { blocks, handle },
            Err(_) => Inner::Inline(Box::new(make())),
        };
        Self { inner }
    }

    pub(crate) fn push(&mut self, block: &Block) {
        match &mut self.inner {
            Inner::Thread { blocks, .. } => {
                // A send fails only if the thread has gone (it panicked);
                // `finish` then reports nothing rather than a wrong result.
                let _ = blocks.send(Message::Block(Arc::clone(block)));
            }
            Inner::Inline(sink) => sink.push(block),
        }
    }

    /// Run `job` on the consumer once it has consumed the blocks sent so
    /// far, on its thread: the caller goes on with its own work meanwhile
    /// (the pitch path is found while the analyzer derives its metrics).
    pub(crate) fn then(&mut self, job: impl FnOnce(&mut S) + Send + 'static) {
        match &mut self.inner {
            Inner::Thread { blocks, .. } => {
                // As in `push`: a thread gone reports nothing in `finish`.
                let _ = blocks.send(Message::Then(Box::new(job)));
            }
            Inner::Inline(sink) => job(sink),
        }
    }

    /// The consumer after every block; `None` if its thread panicked.
    pub(crate) fn finish(self) -> Option<S> {
        match self.inner {
            Inner::Thread { blocks, handle } => {
                drop(blocks);
                handle.join().ok()
            }
            Inner::Inline(sink) => Some(*sink),
        }
    }
}

fn run<S: BlockSink>(mut sink: S, incoming: Receiver<Message<S>>) -> S {
    for message in incoming {
        match message {
            Message::Block(block) => sink.push(&block),
            Message::Then(job) => job(&mut sink),
        }
    }
    sink
}
