// Chat templates: the published Jinja2 escapes are findings, the templates real models ship
// are not.
#include "model/intake/template_check.h"

#include <gtest/gtest.h>

namespace bastion::model {
namespace {

bool Flags(std::string_view text) { return AnyUnsafe(CheckChatTemplate(text, "test")); }

TEST(TemplateCheckTest, RealTemplatesAreClean) {
  // DeepSeek-R1's (abridged), Llama 3's and ChatML, with the words that look like payloads.
  EXPECT_FALSE(Flags(
      "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}"
      "{% endif %}{% set ns = namespace(is_first=false, is_tool=false, system_prompt='') %}"
      "{%- for message in messages %}{%- if message['role'] == 'system' %}"
      "{% set ns.system_prompt = message['content'] %}{%- endif %}{%- endfor %}"
      "{{ bos_token }}{{ ns.system_prompt }}{%- for message in messages %}"
      "{%- if message['role'] == 'user' %}{{'<｜User｜>' + message['content']}}"
      "{%- endif %}{%- if message['role'] == 'assistant' and message['content'] is not none %}"
      "{% set content = message['content'] %}{% if '</think>' in content %}"
      "{% set content = content.split('</think>')[-1] %}{% endif %}"
      "{{'<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>'}}{%- endif %}{%- endfor %}"
      "{% if add_generation_prompt %}{{'<｜Assistant｜><think>\\n'}}{% endif %}"));
  EXPECT_FALSE(
      Flags("{% set loop_messages = messages %}{% for message in loop_messages %}"
            "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ "
            "message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
            "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"));
  EXPECT_FALSE(
      Flags("{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}"
            "<|im_end|>\n{% endfor %}{{ 'photos.' }} {{ system_message }}"));
}

TEST(TemplateCheckTest, PublishedEscapesAreFindings) {
  // CVE-2024-34359's proof of concept, and the usual variations on it.
  EXPECT_TRUE(
      Flags("{% for x in ().__class__.__base__.__subclasses__() %}"
            "{% if 'warning' in x.__name__ %}{{ x()._module.__builtins__['__import__']"
            "('os').popen('touch /tmp/pwned') }}{% endif %}{% endfor %}"));
  EXPECT_TRUE(
      Flags("{{ self.__init__.__globals__.__builtins__.__import__('os').popen('id').read() }}"));
  EXPECT_TRUE(Flags("{{ lipsum.__globals__['os'].popen('id').read() }}"));
  EXPECT_TRUE(Flags("{{ cycler.__init__.__globals__.os.popen('id').read() }}"));
  EXPECT_TRUE(Flags("{{ ()|attr('\\x5f\\x5fclass\\x5f\\x5f') }}"));  // dunders spelled in escapes
  EXPECT_TRUE(Flags("{{ joiner.__init__ }}"));
  const auto findings = CheckChatTemplate("{{ x.__class__ }}", "tokenizer.chat_template");
  ASSERT_FALSE(findings.empty());
  EXPECT_EQ(findings[0].rule, "template.code_execution");
  EXPECT_EQ(findings[0].severity, Severity::kCritical);
  EXPECT_NE(findings[0].detail.find("tokenizer.chat_template"), std::string::npos);
}

}  // namespace
}  // namespace bastion::model
