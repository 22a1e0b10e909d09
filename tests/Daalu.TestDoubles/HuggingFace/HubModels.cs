namespace Daalu.TestDoubles.HuggingFace;

/// <summary>
/// Real config.json files of published models, as the Hugging Face Hub serves them at
/// https://huggingface.co/&lt;repo&gt;/resolve/main/config.json, and their checkpoint sizes (metadata.total_size of
/// model.safetensors.index.json). The architecture numbers are the models' own (model cards and configs); where a
/// total is derived rather than copied, the comment says how.
/// </summary>
public static class HubModels
{
    /// <summary>
    /// Qwen/Qwen2.5-7B-Instruct: https://huggingface.co/Qwen/Qwen2.5-7B-Instruct/raw/main/config.json; index total_size
    /// 15,231,233,024 (https://huggingface.co/Qwen/Qwen2.5-7B-Instruct/raw/main/model.safetensors.index.json), i.e.
    /// 7,615,616,512 BF16 parameters (the card's "7.61B").
    /// </summary>
    public static HubRepository Qwen25With7BInstruct { get; } = new("Qwen/Qwen2.5-7B-Instruct", """
        {
          "architectures": [
            "Qwen2ForCausalLM"
          ],
          "attention_dropout": 0.0,
          "bos_token_id": 151643,
          "eos_token_id": 151645,
          "hidden_act": "silu",
          "hidden_size": 3584,
          "initializer_range": 0.02,
          "intermediate_size": 18944,
          "max_position_embeddings": 32768,
          "max_window_layers": 28,
          "model_type": "qwen2",
          "num_attention_heads": 28,
          "num_hidden_layers": 28,
          "num_key_value_heads": 4,
          "rms_norm_eps": 1e-06,
          "rope_theta": 1000000.0,
          "sliding_window": 131072,
          "tie_word_embeddings": false,
          "torch_dtype": "bfloat16",
          "transformers_version": "4.43.1",
          "use_cache": true,
          "use_sliding_window": false,
          "vocab_size": 152064
        }
        """, 15_231_233_024);

    /// <summary>
    /// meta-llama/Llama-3.1-8B-Instruct (gated: the Hub answers 401 without a token, 403 for a token without access):
    /// https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct/blob/main/config.json; index total_size 16,060,522,496
    /// (8,030,261,248 BF16 parameters, the card's "8.03B").
    /// </summary>
    public static HubRepository Llama31With8BInstruct { get; } = new("meta-llama/Llama-3.1-8B-Instruct", """
        {
          "architectures": [
            "LlamaForCausalLM"
          ],
          "attention_bias": false,
          "attention_dropout": 0.0,
          "bos_token_id": 128000,
          "eos_token_id": [
            128001,
            128008,
            128009
          ],
          "hidden_act": "silu",
          "hidden_size": 4096,
          "initializer_range": 0.02,
          "intermediate_size": 14336,
          "max_position_embeddings": 131072,
          "mlp_bias": false,
          "model_type": "llama",
          "num_attention_heads": 32,
          "num_hidden_layers": 32,
          "num_key_value_heads": 8,
          "pretraining_tp": 1,
          "rms_norm_eps": 1e-05,
          "rope_scaling": {
            "factor": 8.0,
            "low_freq_factor": 1.0,
            "high_freq_factor": 4.0,
            "original_max_position_embeddings": 8192,
            "rope_type": "llama3"
          },
          "rope_theta": 500000.0,
          "tie_word_embeddings": false,
          "torch_dtype": "bfloat16",
          "transformers_version": "4.43.0.dev0",
          "use_cache": true,
          "vocab_size": 128256
        }
        """, 16_060_522_496, GatedToken: "hf_double_llama_access");

    /// <summary>
    /// mistralai/Mistral-7B-Instruct-v0.3: https://huggingface.co/mistralai/Mistral-7B-Instruct-v0.3/blob/main/config.json
    /// (32,768-token vocabulary, 32k context, no sliding window); total 14,496,047,104 = 2 x 7,248,023,552 BF16
    /// parameters (the card's "7.25B").
    /// </summary>
    public static HubRepository Mistral7BInstructV03 { get; } = new("mistralai/Mistral-7B-Instruct-v0.3", """
        {
          "architectures": [
            "MistralForCausalLM"
          ],
          "attention_dropout": 0.0,
          "bos_token_id": 1,
          "eos_token_id": 2,
          "hidden_act": "silu",
          "hidden_size": 4096,
          "initializer_range": 0.02,
          "intermediate_size": 14336,
          "max_position_embeddings": 32768,
          "model_type": "mistral",
          "num_attention_heads": 32,
          "num_hidden_layers": 32,
          "num_key_value_heads": 8,
          "rms_norm_eps": 1e-05,
          "rope_theta": 1000000.0,
          "sliding_window": null,
          "tie_word_embeddings": false,
          "torch_dtype": "bfloat16",
          "transformers_version": "4.42.0.dev0",
          "use_cache": true,
          "vocab_size": 32768
        }
        """, 14_496_047_104);

    /// <summary>
    /// Qwen/Qwen3-30B-A3B (mixture of experts: 128 experts of moe_intermediate_size 768, 8 per token, explicit head_dim
    /// 128): https://huggingface.co/Qwen/Qwen3-30B-A3B/blob/main/config.json; total 61,064,245,248 = 2 x 30,532,122,624
    /// BF16 parameters (the card's "30.5B in total").
    /// </summary>
    public static HubRepository Qwen3With30BA3B { get; } = new("Qwen/Qwen3-30B-A3B", """
        {
          "architectures": [
            "Qwen3MoeForCausalLM"
          ],
          "attention_bias": false,
          "attention_dropout": 0.0,
          "bos_token_id": 151643,
          "decoder_sparse_step": 1,
          "eos_token_id": 151645,
          "head_dim": 128,
          "hidden_act": "silu",
          "hidden_size": 2048,
          "initializer_range": 0.02,
          "intermediate_size": 6144,
          "max_position_embeddings": 40960,
          "max_window_layers": 48,
          "mlp_only_layers": [],
          "model_type": "qwen3_moe",
          "moe_intermediate_size": 768,
          "norm_topk_prob": true,
          "num_attention_heads": 32,
          "num_experts": 128,
          "num_experts_per_tok": 8,
          "num_hidden_layers": 48,
          "num_key_value_heads": 4,
          "output_router_logits": false,
          "rms_norm_eps": 1e-06,
          "rope_scaling": null,
          "rope_theta": 1000000.0,
          "router_aux_loss_coef": 0.001,
          "sliding_window": null,
          "tie_word_embeddings": false,
          "torch_dtype": "bfloat16",
          "transformers_version": "4.51.0",
          "use_cache": true,
          "use_sliding_window": false,
          "vocab_size": 151936
        }
        """, 61_064_245_248);

    /// <summary>
    /// Qwen/Qwen2.5-0.5B-Instruct, a single-file checkpoint (model.safetensors, no index; tied embeddings):
    /// https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct/raw/main/config.json; size 988,065,536 = 2 x 494,032,768
    /// BF16 parameters (the card's "0.49B"; the real file adds its JSON header).
    /// </summary>
    public static HubRepository Qwen25With05BInstruct { get; } = new("Qwen/Qwen2.5-0.5B-Instruct", """
        {
          "architectures": [
            "Qwen2ForCausalLM"
          ],
          "attention_dropout": 0.0,
          "bos_token_id": 151643,
          "eos_token_id": 151645,
          "hidden_act": "silu",
          "hidden_size": 896,
          "initializer_range": 0.02,
          "intermediate_size": 4864,
          "max_position_embeddings": 32768,
          "max_window_layers": 21,
          "model_type": "qwen2",
          "num_attention_heads": 14,
          "num_hidden_layers": 24,
          "num_key_value_heads": 2,
          "rms_norm_eps": 1e-06,
          "rope_theta": 1000000.0,
          "sliding_window": 32768,
          "tie_word_embeddings": true,
          "torch_dtype": "bfloat16",
          "transformers_version": "4.43.1",
          "use_cache": true,
          "use_sliding_window": false,
          "vocab_size": 151936
        }
        """, IndexTotalSize: null, SingleFileSize: 988_065_536);

    /// <summary>Every repository above.</summary>
    public static IReadOnlyList<HubRepository> All { get; } = [Qwen25With7BInstruct, Llama31With8BInstruct, Mistral7BInstructV03, Qwen3With30BA3B, Qwen25With05BInstruct];
}
