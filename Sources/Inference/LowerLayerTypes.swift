import ModelFiles
import Tokenizers
import Transformer

// The lower layers' types that appear in Inference's API, named here so that the modules above
// Inference (Distillation, Server, the CLI) never import Transformer, Tokenizers or Kernels.

/// The embedded engine's weight precision: quantized (fast) or float32 (reference).
public typealias Precision = Transformer.Precision
/// The embedded model's tokenizer (the server decodes streamed tokens with it).
public typealias Tokenizer = Tokenizers.Tokenizer
/// Turns streamed token ids into text without splitting a UTF-8 character.
public typealias StreamingDecoder = Tokenizers.StreamingDecoder
/// The learning-rate schedule after warm-up (constant, linear or cosine decay).
public typealias LearningRateSchedule = Transformer.LearningRateSchedule
/// `s2d bench train`: timed LoRA and full fine-tuning steps of the trainer.
public typealias TrainingBenchmark = Transformer.TrainingBenchmark
/// Crash-safe whole-file writes (temporary file, fsync, rename): every file the project writes.
public typealias AtomicFile = ModelFiles.AtomicFile
