#pragma once
// Chat templates are data for bastion's native renderer, which never executes them; but other
// tools render them with Jinja2, and a template that reaches Python objects runs code there
// (CVE-2024-34359 in llama-cpp-python). Templates in model files are checked for the
// constructs such payloads need: dunder attribute walks (__class__, __globals__, __mro__,
// __subclasses__, __builtins__, __import__), the attr filter that spells them indirectly, and
// names of modules and calls that run commands (os., popen, subprocess, eval, exec).

#include <string_view>
#include <vector>

#include "model/intake/finding.h"

namespace bastion::model {

// Findings for `text`, a template found at `where` ("tokenizer.chat_template",
// "tokenizer_config.json chat_template"). Benign templates (R1, Llama 3, ChatML, Qwen's tool
// templates) give none.
std::vector<Finding> CheckChatTemplate(std::string_view text, std::string_view where);

}  // namespace bastion::model
