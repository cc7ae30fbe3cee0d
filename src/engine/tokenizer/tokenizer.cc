#include "engine/tokenizer/tokenizer.h"

#include "engine/tokenizer/bpe_tokenizer.h"
#include "engine/tokenizer/spm_tokenizer.h"

namespace bastion::engine {

Result<std::unique_ptr<Tokenizer>> CreateTokenizer(const Vocab& vocab) {
  if (vocab.model == "gpt2") {
    auto bpe = BpeTokenizer::Create(vocab);
    if (!bpe.ok()) return bpe.status();
    return std::unique_ptr<Tokenizer>(std::make_unique<BpeTokenizer>(std::move(*bpe)));
  }
  if (vocab.model == "llama") {
    auto spm = SpmTokenizer::Create(vocab);
    if (!spm.ok()) return spm.status();
    return std::unique_ptr<Tokenizer>(std::move(*spm));
  }
  return Status::InvalidArgument("tokenizer model '" + vocab.model +
                                 "' is not supported (supported: gpt2, llama)");
}

}  // namespace bastion::engine
