// Harmful requests, as a coarse classifier: a request for operational help ("how do I make",
// "give me step-by-step instructions to") joined within a short gap to a harmful object or act.
// Questions about how a threat works, history, or defence do not carry the request verbs these
// rules need, so most good-faith security and chemistry questions pass.
#include <optional>
#include <string_view>

#include "guard/rules/intent_rule_sets.h"

namespace bastion::guard {
namespace {

// Things called "bomb" that are not weapons (the word after the match counts: "bomb-shaped").
std::optional<Span> NotHarmlessBomb(std::string_view text, Span match) {
  static constexpr std::string_view kHarmless[] = {
      "bath bomb",    "seed bomb",     "photo bomb",  "photobomb",  "bomb calorimeter",
      "bomb cyclone", "cherry bomb",   "f-bomb",      "stink bomb", "glitter bomb",
      "bomb squad",   "bomb disposal", "bomb-shaped", "bomb shaped"};
  std::string_view s = text.substr(match.start, match.size() + 16);
  for (std::string_view h : kHarmless) {
    if (s.find(h) != std::string_view::npos) return std::nullopt;
  }
  return match;
}

// Writing about abuse in order to prevent or report it is not a request for abusive content.
std::optional<Span> NotProtective(std::string_view text, Span match) {
  static constexpr std::string_view kProtective[] = {
      "abuse", "exploitation", "prevent", "protect", "report", "safety", "awareness", "grooming"};
  std::string_view s = text.substr(match.start, match.size());
  for (std::string_view w : kProtective) {
    if (s.find(w) != std::string_view::npos) return std::nullopt;
  }
  return match;
}

// clang-format off
constexpr IntentPhrase kPhrases[] = {
    {"harm.weapons", 0.8,
     R"((bomb|explosive|\bieds?\b|grenade|molotov|detonator|napalm|thermite|ghost gun|untraceable|silencer|suppressor|zip gun|land ?mine|\bc-?4\b|tatp|semtex))",
     R"(\b(how (do|can|could|would|should) (i|you|we|one|someone|a person)|how to|ways? to|steps? to|instructions (on|for|to)|guide (on|to|for)|tutorial (on|for)|recipe for|teach me (how )?to|help me) ([a-z0-9'-]{1,16} ){0,2}(make|build|create|assemble|construct|manufacture|produce|craft|detonate|rig|plant|3d[- ]print|print) ([a-z0-9'-]{1,16} ){0,4}(bombs?|explosives?|ieds?|improvised explosive|pipe ?bombs?|grenades?|molotov|detonators?|napalm|thermite|ghost guns?|untraceable (gun|firearm|weapon)s?|silencers?|suppressors?|zip guns?|land ?mines?|c-?4|tatp|semtex)\b)",
     "guid\thelp\thow \tinst\treci\tstep\tteac\ttuto\tway \tways", NotHarmlessBomb},
    {"harm.weapons", 0.7,
     R"(\b(rifles?|guns?|pistols?|ar-?15|glocks?|firearms?)\b)",
     R"(\b(convert|modify|turn) ([a-z0-9'-]{1,16} ){0,3}(rifle|gun|pistol|ar-?15|glock|firearm) ([a-z0-9'-]{1,16} ){0,2}(to|into) (be )?(an? )?(fully? )?(auto(matic)?|machine gun))",
     "conv\tmodi\tturn"},
    {"harm.cbrn", 0.85,
     R"((nerve (agent|gas)|sarin|tabun|soman|\bvx\b|novichok|mustard gas|chlorine gas|phosgene|ricin|abrin|anthrax|botulinum|botulism|smallpox|plague|ebola|weapon|dirty bomb|radiological|nuclear|atomic bomb|uranium|plutonium|pathogen))",
     R"(\b(how (do|can|could|would|should) (i|you|we|one|someone)|how to|ways? to|steps? to|instructions (on|for|to)|guide (on|to|for)|recipe for|teach me (how )?to|help me|procedure (to|for)) ([a-z0-9'-]{1,16} ){0,2}(make|synthesi[sz]e|produce|create|manufacture|cultivate|culture|grow|weaponi[sz]e|aerosoli[sz]e|disperse|release|enrich|extract|purify|obtain|acquire|build|spread) ([a-z0-9'-]{1,16} ){0,4}(nerve (agent|gas)|sarin|tabun|soman|vx|novichok|mustard gas|chlorine gas|phosgene|ricin|abrin|anthrax|botulinum|botulism toxin|smallpox|plague|ebola|chemical weapons?|biological weapons?|bio-?weapons?|dirty bombs?|radiological (weapon|device|bomb)|nuclear (bomb|weapon|device)|atomic bomb|weapons?-grade (uranium|plutonium)|enriched uranium|pathogens?)\b)",
     "guid\thelp\thow \tinst\tproc\treci\tstep\tteac\tway \tways"},
    {"harm.cbrn", 0.7,
     R"((weaponi|aerosoli))",
     R"(\b(weaponi[sz]e|weaponi[sz]ing|aerosoli[sz]e) ([a-z0-9'-]{1,16} ){0,2}(anthrax|smallpox|plague|ebola|virus|pathogen|bacteria|toxin|ricin|botulinum|chemical|agent)\b)",
     "aero\tweap"},
    {"harm.cybercrime", 0.75,
     R"((ransomware|keylogger|botnet|rootkit|trojan|computer virus|worm|malware|spyware|stealer|crypter|phishing|cryptojacker|ddos))",
     R"(\b(write|code|create|make|build|develop|generate|program|give me|provide) ([a-z0-9'-]{1,16} ){0,2}(ransomware|keylogger|botnet|rootkit|trojan|computer virus|worm|malware|spyware|stealer|remote access trojan|credential stealer|crypter|phishing (page|site|email|kit|website)|cryptojacker|ddos (tool|script|bot))\b[^\n.]{0,40}\b(undetect|evade|bypass (antivirus|av|edr|defender)|steal|victim|spread|encrypts? (all|the|their|victim)|without (them|the user|the owner|the victim) knowing|someone'?s|my (ex|boss|neighbou?r|school|employer)|ransom|bitcoin|real bank|credentials|passwords))",
     "buil\tcode\tcrea\tdeve\tgene\tgive\tmake\tprog\tprov\twrit"},
    {"harm.cybercrime", 0.8,
     R"((hack|break|get|log|sneak) (into|in to))",
     R"(\b(how (do|can|could|would|should) (i|you|we|one|someone)|how to|ways? to|steps? to|help me|teach me (how )?to) ([a-z0-9'-]{1,16} ){0,2}(hack|break|get|log|sneak) (into|in to) ([a-z0-9'-]{1,16} ){0,2}(someone|somebody|my (ex|girlfriend|boyfriend|wife|husband|partner|boss|neighbou?r|teacher|friend|coworker)|a person|a stranger|another person|other people|his|her|their)('?s)? ([a-z0-9'-]{1,16} ){0,2}(account|email|phone|instagram|facebook|snapchat|whatsapp|wifi|computer|icloud|bank)\b)",
     "help\thow \tstep\tteac\tway \tways"},
    {"harm.cybercrime", 0.8,
     R"((steal|skim|clone|phish|harvest))",
     R"(\b(how (do|can|could) (i|you|we|someone)|how to|ways? to|help me|teach me (how )?to) ([a-z0-9'-]{1,16} ){0,2}(steal|skim|clone|phish|harvest) ([a-z0-9'-]{1,16} ){0,3}(credit card|card numbers|identit(y|ies)|passwords|credentials|bank account|bank details|bank login|social security numbers)\b)",
     "help\thow \tteac\tway \tways"},
    {"harm.cybercrime", 0.7,
     R"((ddos|\bdos\b|take down|knock offline|crash))",
     R"(\b(ddos|dos|take down|knock offline|crash) (attack )?(on )?([a-z0-9'-]{1,16} ){0,2}(competitor|rival|school|government|someone'?s|ex'?s)('?s)? (website|server|site|network)\b)",
     "cras\tddos\tdos \tknoc\ttake"},
    {"harm.self_harm", 0.8,
     R"((myself|suicide|my (own )?life|overdose|die (tonight|today|painlessly|quickly)))",
     R"(\b(how (do|can|could|should) i|how to|best way to|easiest way to|quickest way to|painless(ly)? (way )?to|ways? to|i want to|i am going to|i'?m going to|help me) ([a-z0-9'-]{1,16} ){0,2}(kill myself|commit suicide|end my (own )?life|take my (own )?life|hurt myself|harm myself|cut myself|hang myself|overdose|starve myself|die (tonight|today|painlessly|quickly))\b)",
     "best\teasi\thelp\thow \ti am\ti wa\ti'm \tim g\tpain\tquic\tway \tways"},
    {"harm.self_harm", 0.7,
     R"((lethal|fatal|deadly) (dose|amount|quantity))",
     R"(\b(lethal|fatal|deadly) (dose|amount|quantity) of ([a-z0-9'-]{1,16} ){0,2}(to (die|kill myself|end it)|for (me|suicide|myself)|(without|with no) pain))",
     "dead\tfata\tleth"},
    {"harm.self_harm", 0.75,
     R"(how many)",
     R"(\bhow many ([a-z0-9'-]{1,16} ){0,2}(pills|tablets|sleeping pills|tylenol|paracetamol|acetaminophen) ([a-z0-9'-]{1,16} ){0,3}(to die|to kill myself|to kill me|would kill me|is lethal|to overdose)\b)",
     "how "},
    {"harm.violence", 0.8,
     R"((kill|murder|poison|strangle|stab|shoot|kidnap|abduct|torture|assassinate|beat up|maim|drown|suffocate))",
     R"(\b(how (do|can|could|would|should) (i|you|we|one|someone)|how to|best way to|ways? to|help me|teach me (how )?to|plan to|i want to|tips (on|for)) ([a-z0-9'-]{1,16} ){0,2}(kill|murder|poison|strangle|stab|shoot|kidnap|abduct|torture|assassinate|beat up|maim|drown|suffocate) (someone|somebody|a person|people|my ([a-z]{1,16} )?(wife|husband|boss|neighbou?r|teacher|ex|mother|mom|father|dad|parents?|brother|sister|friend|roommate|coworker|classmate|girlfriend|boyfriend|child|son|daughter|baby)|a (child|kid|baby|man|woman|cop|police officer|politician|judge)|the (president|senator|mayor|governor|judge|witness)|him|her|them|a human|children|kids)\b)",
     "best\thelp\thow \ti wa\tplan\tteac\ttips\tway \tways"},
    {"harm.violence", 0.75,
     R"((get away with|dispose of|hide (a|the)|untraceable poison|poison that|poison|look like))",
     R"(\b(get away with (murder|killing|a murder)|dispose of (a|the) (dead )?body|hide (a|the) (dead )?body|untraceable poison|poison that (is|would be|can'?t be|cannot be) (untraceable|undetectable)|poison (someone|somebody|my [a-z]{1,16}) without|make (it|a death) look like (an )?(accident|suicide))\b)",
     "disp\tget \thide\tmake\tpois\tuntr"},
    {"harm.violence", 0.8,
     R"((shooting|terror|massacre|bombing|stabbing spree))",
     R"(\b(plan|planning|carry out|organi[sz]e|commit) (a |an )?(mass shooting|school shooting|terrorist attack|terror attack|massacre|bombing|stabbing spree)\b)",
     "carr\tcomm\torga\tplan"},
    {"harm.illegal_drugs", 0.8,
     R"((\bmeth\b|methamphetamine|cocaine|heroin|fentanyl|\blsd\b|mdma|ecstasy|\bghb\b|\bpcp\b|\bdmt\b|illegal drugs|opioids))",
     R"(\b(where (can|do|could) (i|you|we|someone)|how (do|can|could|would|should) (i|you|we|one|someone)|how to|ways? to|steps? to|instructions (on|for|to)|guide (on|to|for)|recipe for|teach me (how )?to|help me) ([a-z0-9'-]{1,16} ){0,2}(make|cook|synthesi[sz]e|produce|manufacture|brew|extract|grow|smuggle|sell|deal|traffic|buy|get|obtain) ([a-z0-9'-]{1,16} ){0,3}(meth|methamphetamine|crystal meth|crack cocaine|cocaine|heroin|fentanyl|carfentanil|lsd|mdma|ecstasy|ghb|pcp|dmt|illegal drugs|opioids without a prescription)\b)",
     "guid\thelp\thow \tinst\treci\tstep\tteac\tway \tways\twher"},
    {"harm.illegal_drugs", 0.8,
     R"((drugs|cocaine|heroin|fentanyl|\bmeth\b))",
     R"(\b(smuggle|sneak|traffic) ([a-z0-9'-]{1,16} ){0,2}(drugs|cocaine|heroin|fentanyl|meth) ([a-z0-9'-]{1,16} ){0,3}(across|through|past|into|over) ([a-z0-9'-]{1,16} ){0,2}(border|customs|airport|security|prison|country))",
     "smug\tsnea\ttraf"},
    {"harm.fraud", 0.75,
     R"((launder|counterfeit|fake (ids?|passport|driver)|\bforge\b|evade|fraud|scam))",
     R"(\b(how (do|can|could|would|should) (i|you|we|one|someone)|how to|ways? to|steps? to|help me|teach me (how )?to) ([a-z0-9'-]{1,16} ){0,2}(launder (money|cash|funds|the proceeds)|counterfeit (money|bills|currency|cash)|print (fake|counterfeit) (money|bills)|make (a )?fake (ids?|passports?|driver'?s licen[cs]es?)|forge (a )?(signature|checks?|cheques?|documents?|passports?)|evade (paying )?taxes|commit (insurance|tax|credit card|wire) fraud|scam (old|elderly|people|someone|seniors))\b)",
     "help\thow \tstep\tteac\tway \tways"},
    {"harm.harassment", 0.7,
     R"((threatening|harassing|intimidating|abusive|hateful|humiliating))",
     R"(\b(write|compose|draft|generate|create|give me) ([a-z0-9'-]{1,16} ){0,3}(threatening|harassing|intimidating|abusive|hateful|humiliating) ([a-z0-9'-]{1,16} ){0,2}(message|letter|email|text|post|comment|tweet|note|dm|voicemail)s?\b)",
     "comp\tcrea\tdraf\tgene\tgive\twrit"},
    {"harm.harassment", 0.7,
     R"(\bdox)",
     R"(\b(dox|doxx|doxing|doxxing) ([a-z0-9'-]{1,16} ){0,2}(someone|somebody|him|her|them|this person|this (guy|girl|streamer|journalist|woman|man|user)|my|a person|a streamer|a journalist))",
     "dox \tdoxi\tdoxx"},
    {"harm.harassment", 0.7,
     R"((home address|where (he|she|they) lives?))",
     R"(\b(find|get|track down|look up) ([a-z0-9'-]{1,16} ){0,2}(home address|where (he|she|they) lives?) of (my|this|a|that) (ex|person|girl|guy|streamer|journalist|coworker))",
     "find\tget \tlook\ttrac"},
    {"harm.harassment", 0.7,
     R"((racist|sexist|homophobic|transphobic|antisemitic|islamophobic))",
     R"(\b(write|tell|make|give me|generate) ([a-z0-9'-]{1,16} ){0,2}(racist|sexist|homophobic|transphobic|antisemitic|islamophobic) ([a-z]{1,16} )?(jokes?|slurs?|insults?|rant|poem|song|essay|joke)\b)",
     "gene\tgive\tmake\ttell\twrit"},
    {"harm.child_safety", 0.6,
     R"((sexual|sexy|erotic|nude|naked|lewd|nsfw|explicit))",
     R"(\b(write|generate|describe|create|roleplay|role-play|story|stories|images?|pictures?|photos?|scene)\b[^\n]{0,40}\b(sexual|sexy|erotic|nude|naked|lewd|nsfw|explicit)\b[^\n]{0,40}\b(child|children|minors?|underage|kids?|toddlers?|preteens?|\d{1,2}[- ]years?[- ]old)\b)",
     "crea\tdesc\tgene\timag\tphot\tpict\trole\tscen\tstor\twrit", NotProtective},
    {"harm.recipe", 0.8,
     R"((recipe|formula|procedure|protocol|synthesis route))",
     R"(\b(recipe|formula|procedure|protocol|synthesis route) (for|to make|of) ([a-z0-9'-]{1,16} ){0,2}(ricin|abrin|sarin|tabun|soman|vx|novichok|nerve agents?|mustard gas|phosgene|anthrax|botulinum toxin|napalm|thermite|tatp|semtex|pipe bombs?|explosives?|methamphetamine|meth|fentanyl|crack cocaine)\b)",
     "form\tproc\tprot\treci\tsynt"},
};
// clang-format on

}  // namespace

const std::vector<Rule>& HarmRules() {
  static const std::vector<Rule> rules = IntentRulesFrom<kPhrases>(Category::kHarm);
  return rules;
}

}  // namespace bastion::guard
