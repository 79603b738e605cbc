import ModelFiles
import Tokenizers
import Transformer

// The lower layers' types that appear in Inference's API, named here so that the modules above
// Inference (Distillation, Server, Fuzzing, the CLI) never import Transformer, Tokenizers or Kernels.

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
/// JSON string literals for hand-written JSON (canonical JSON of content hashes).
public typealias JSONStringLiteral = ModelFiles.JSONStringLiteral
/// A model's configuration as read from its GGUF metadata.
public typealias ModelConfiguration = Transformer.ModelConfiguration
/// A GGUF file: metadata and the tensor directory over the mapped bytes.
public typealias GGUFFile = ModelFiles.GGUFFile
/// A file mapped read-only (or a mutated header in front of a file's data, for the fuzzer).
public typealias MappedFile = ModelFiles.MappedFile
/// A tensor's storage type in a GGUF file.
public typealias GGMLType = ModelFiles.GGMLType
/// A Jinja chat template the engine recognises, and one turn of a chat it renders.
public typealias ChatTemplate = Tokenizers.ChatTemplate
public typealias ChatTurn = Tokenizers.ChatTurn
/// Chat-messages JSONL as the trainer reads it (`s2d train --data`).
public typealias ChatJSONL = Transformer.ChatJSONL
