#include "json_mapper.hpp"

#include "core/error.hpp"
#include "digest.hpp"
#include "email_normalizer.hpp"
#include "field_catalog.hpp"
#include "json_text.hpp"
#include "json_writer.hpp"
#include "limits.hpp"
#include "phone_normalizer.hpp"
#include "value_cast.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <stdexcept>
#include <unordered_map>

namespace connector::mapping {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char &c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string quoted(const std::string &s) {
    return "\"" + s + "\"";
}

// A value slot of the output: filled per row from a column, or once from a constant.
struct Leaf {
    enum class State { Absent, Json, Unset };
    State state = State::Absent;
    std::string json;
};

// An object member in the output tree: a leaf or a nested object.
struct Node {
    std::string name;
    std::string key; // "\"name\":", escaped once
    int leaf = -1;
    std::vector<Node> children;
};

// What a column is for.
enum class Role {
    Ignore,
    Email,
    Phone,
    ExternalId,
    Leaf,
    Metric,
    Time,
    Value,
    Currency,
    UniqueId,
    Backfill,
};

struct ColumnPlan {
    Role role = Role::Ignore;
    int leaf = -1;
    Cast cast = Cast::Auto;
    std::string delimiter;
    NullPolicy on_null = NullPolicy::Keep;
    int depth = 1;
};

Role role_for(FieldKind kind) {
    switch (kind) {
    case FieldKind::Email:
        return Role::Email;
    case FieldKind::Phone:
        return Role::Phone;
    case FieldKind::ExternalId:
        return Role::ExternalId;
    case FieldKind::Attribute:
    case FieldKind::ProfileProperty:
    case FieldKind::EventProperty:
        return Role::Leaf;
    case FieldKind::Metric:
        return Role::Metric;
    case FieldKind::Time:
        return Role::Time;
    case FieldKind::Value:
        return Role::Value;
    case FieldKind::ValueCurrency:
        return Role::Currency;
    case FieldKind::UniqueId:
        return Role::UniqueId;
    case FieldKind::Backfill:
        return Role::Backfill;
    }
    return Role::Ignore;
}

// Whether `cast` fits a destination; returns the allowed casts when it does not.
const char *cast_misfit(const Destination &d, Cast cast) {
    const auto one_of = [&](std::initializer_list<Cast> ok) {
        return std::find(ok.begin(), ok.end(), cast) != ok.end();
    };
    switch (d.kind) {
    case FieldKind::Email:
    case FieldKind::Phone:
    case FieldKind::ExternalId:
    case FieldKind::Metric:
    case FieldKind::ValueCurrency:
    case FieldKind::UniqueId:
        return one_of({Cast::Auto, Cast::String}) ? nullptr : "\"auto\" or \"string\"";
    case FieldKind::Attribute:
        if (d.path.back() == "latitude" || d.path.back() == "longitude")
            return one_of({Cast::Auto, Cast::String, Cast::Number})
                       ? nullptr
                       : "\"auto\", \"string\" or \"number\"";
        return one_of({Cast::Auto, Cast::String}) ? nullptr : "\"auto\" or \"string\"";
    case FieldKind::Time:
        return one_of({Cast::Auto, Cast::DateTime}) ? nullptr : "\"auto\" or \"datetime\"";
    case FieldKind::Value:
        return one_of({Cast::Auto, Cast::Number}) ? nullptr : "\"auto\" or \"number\"";
    case FieldKind::Backfill:
        return one_of({Cast::Auto, Cast::Boolean}) ? nullptr : "\"auto\" or \"boolean\"";
    case FieldKind::ProfileProperty:
    case FieldKind::EventProperty:
        break;
    }
    return nullptr;
}

std::string join_names(const std::vector<Column> &columns) {
    std::string out;
    for (std::size_t i = 0; i < columns.size() && i < 30; ++i) {
        if (i)
            out += ", ";
        out += columns[i].name;
    }
    if (columns.size() > 30)
        out += ", ...";
    return out;
}

} // namespace

struct JsonMapper::Plan {
    Target target = Target::Profiles;
    std::string source;
    std::vector<Column> columns;
    std::vector<ColumnPlan> column_plans;
    std::vector<std::size_t> early; // identifiers and the unique id: needed for rejection keys
    std::vector<std::size_t> late;  // everything else
    std::vector<Leaf> leaves;
    std::vector<int> column_leaves; // leaves reset per row
    Node attributes;                // reserved profile attributes, in the catalogue's order
    Node profile_properties;
    Node event_properties;
    std::string default_region;
    int country_column = -1;
    int phone_column = -1;
    std::string metric_constant;      // JSON string when the metric is a constant
    std::string metric_constant_name; // the same, decoded
    std::string currency_constant;
    std::string backfill_constant;
    std::string value_constant;
    Timestamp now;
    PhoneNormalizer phones;
    // libphonenumber (ICU regexes) costs tens of microseconds a number; event syncs repeat the
    // same customer's phone on many rows. Bounded: cleared when full, so memory stays flat.
    std::unordered_map<std::string, PhoneResult> phone_cache;
    std::string phone_cache_key;
    static constexpr std::size_t phone_cache_limit = 65536;
    Sha256 sha;

    // Per-row scratch, reused to keep map() free of allocations in the steady state.
    std::string email, phone, external_id, metric, metric_name, time, value, currency, unique_id,
        backfill;
    std::string props, profile_out, event_out, scratch;
    const Value *phone_value = nullptr;
    std::string_view country;
    std::vector<Warning> warnings;
    std::uint64_t row_number = 0;

    [[noreturn]] void config_error(const std::string &where, const std::string &what) const {
        throw ConfigError((source.empty() ? std::string("mapping") : source) + ": " + where + ": " +
                          what);
    }

    Rejection reject(std::size_t column, std::string code, std::string message) const {
        Rejection r;
        r.row_number = row_number;
        if (column < columns.size())
            r.column = columns[column].name;
        r.code = std::move(code);
        r.message = std::move(message);
        if (target == Target::Profiles)
            r.key = profile_key(external_id, email, phone);
        else
            r.key = unique_id;
        return r;
    }

    Rejection reject(std::size_t column, ValueProblem &&p) const {
        return reject(column, std::move(p.code), std::move(p.message));
    }

    // Inserts a destination path into a tree and returns the leaf index.
    int insert(Node &root,
               const std::vector<std::string> &path,
               const std::string &origin,
               std::map<std::string, std::string> &seen_paths,
               const std::string &prefix) {
        Node *node = &root;
        std::string so_far = prefix;
        for (std::size_t i = 0; i < path.size(); ++i) {
            so_far += (i ? "." : "") + path[i];
            auto it = std::find_if(node->children.begin(), node->children.end(),
                                   [&](const Node &n) { return n.name == path[i]; });
            const bool last = i + 1 == path.size();
            if (it == node->children.end()) {
                Node child;
                child.name = path[i];
                append_json_string(child.key, path[i]);
                child.key += ':';
                node->children.push_back(std::move(child));
                it = std::prev(node->children.end());
                if (last) {
                    it->leaf = static_cast<int>(leaves.size());
                    leaves.emplace_back();
                    seen_paths[so_far] = origin;
                }
            } else if (last || it->leaf >= 0) {
                config_error(origin, quoted(so_far) + " is already set by " + seen_paths[so_far] +
                                         "; map each destination from one source only, or "
                                         "nest under another name");
            } else {
                seen_paths[so_far] = origin;
            }
            node = &*it;
        }
        return node->leaf;
    }
};

JsonMapper::JsonMapper(const MappingSpec &spec, Target target, const std::vector<Column> &columns)
    : plan_(std::make_unique<Plan>()) {
    Plan &p = *plan_;
    p.target = target;
    p.source = spec.source;
    p.columns = columns;
    p.column_plans.resize(columns.size());
    p.now = Timestamp{std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count(),
                      0};
    if (!spec.default_region.empty()) {
        p.default_region = PhoneNormalizer::known_region(spec.default_region);
        if (p.default_region.empty())
            p.config_error("phone.default_region",
                           quoted(spec.default_region) +
                               " is not a region libphonenumber knows; use an ISO 3166 alpha-2 "
                               "code such as \"US\" or \"DE\"");
    }

    // Which rule, if any, names each column: exact first, then case-insensitively.
    const auto find_column = [&](const std::string &name, const std::string &origin) {
        for (std::size_t i = 0; i < columns.size(); ++i)
            if (columns[i].name == name)
                return i;
        std::size_t found = columns.size();
        for (std::size_t i = 0; i < columns.size(); ++i)
            if (lower(columns[i].name) == lower(name)) {
                if (found != columns.size())
                    p.config_error(origin, "two columns match " + quoted(name) +
                                               " when case is ignored; write the exact name");
                found = i;
            }
        if (found == columns.size())
            p.config_error(origin, "the query has no column " + quoted(name) +
                                       " (its columns: " + join_names(columns) +
                                       "); fix the name in the mapping or add the column to the "
                                       "query");
        return found;
    };
    std::vector<const ColumnRule *> rule_of(columns.size(), nullptr);
    for (const ColumnRule &rule : spec.columns) {
        const std::size_t i = find_column(rule.column, rule.origin);
        if (rule_of[i])
            p.config_error(rule.origin, "column " + quoted(columns[i].name) +
                                            " already has a rule at " + rule_of[i]->origin +
                                            "; keep one");
        rule_of[i] = &rule;
    }
    if (!spec.country_column.empty())
        p.country_column =
            static_cast<int>(find_column(spec.country_column, "phone.country_column"));

    std::map<std::string, std::string> seen; // destination -> where it came from
    std::map<std::string, std::string> seen_paths;
    const auto claim = [&](const std::string &dest, const std::string &origin) {
        auto [it, fresh] = seen.emplace(dest, origin);
        if (!fresh)
            p.config_error(origin, quoted(dest) + " is already set by " + it->second +
                                       "; map each destination from one source only");
    };
    const auto describe_column = [&](std::size_t i) {
        if (rule_of[i])
            return rule_of[i]->origin;
        return "column " + quoted(columns[i].name) + " (by convention)";
    };
    const auto place_leaf = [&](const Destination &d, const std::string &origin) {
        if (d.kind == FieldKind::Attribute) {
            // Attributes keep the catalogue's order whatever the column order.
            Node *parent = &p.attributes;
            if (d.path.size() == 2) {
                auto it = std::find_if(parent->children.begin(), parent->children.end(),
                                       [&](const Node &n) { return n.name == d.path[0]; });
                if (it == parent->children.end()) {
                    Node loc;
                    loc.name = d.path[0];
                    loc.key = "\"" + d.path[0] + "\":";
                    parent->children.push_back(std::move(loc));
                    it = std::prev(parent->children.end());
                }
                parent = &*it;
            }
            Node n;
            n.name = d.path.back();
            n.key = "\"" + n.name + "\":";
            n.leaf = static_cast<int>(p.leaves.size());
            p.leaves.emplace_back();
            parent->children.push_back(std::move(n));
            (void)origin;
            return parent->children.back().leaf;
        }
        if (static_cast<int>(d.path.size()) > limits::max_nesting_depth)
            p.config_error(origin, "the property path nests deeper than Klaviyo's " +
                                       std::to_string(limits::max_nesting_depth) +
                                       " levels; use a shorter path");
        Node &root =
            d.kind == FieldKind::ProfileProperty ? p.profile_properties : p.event_properties;
        const bool profile_bag_prefixed =
            d.kind == FieldKind::ProfileProperty && target == Target::Events;
        return p.insert(root, d.path, origin, seen_paths,
                        profile_bag_prefixed ? "profile.properties." : "properties.");
    };

    std::vector<std::pair<Destination, std::size_t>> attribute_columns;
    bool has_identifier = false;
    bool has_metric = false;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const ColumnRule *rule = rule_of[i];
        const std::string origin = describe_column(i);
        Destination d;
        if (rule) {
            if (rule->ignore)
                continue;
            try {
                d = parse_destination(rule->to, target);
            } catch (const std::invalid_argument &e) {
                p.config_error(origin, e.what());
            }
        } else if (const auto conv = convention_destination(columns[i].name, target)) {
            d = *conv;
        } else if (spec.unmapped_to_properties) {
            d.kind =
                target == Target::Events ? FieldKind::EventProperty : FieldKind::ProfileProperty;
            d.path = {columns[i].name};
        } else {
            continue;
        }
        ColumnPlan &cp = p.column_plans[i];
        cp.role = role_for(d.kind);
        if (rule) {
            cp.cast = rule->cast;
            cp.delimiter = rule->delimiter;
            if (const char *allowed = cast_misfit(d, rule->cast))
                p.config_error(origin, std::string("cast \"") + to_string(rule->cast) +
                                           "\" does not fit " + quoted(describe(d, target)) +
                                           "; use " + allowed);
        }
        const bool explicit_null = rule && rule->on_null;
        const NullPolicy policy = explicit_null ? *rule->on_null : spec.default_null;
        const bool top_profile_property =
            d.kind == FieldKind::ProfileProperty && d.path.size() == 1;
        if (cp.role == Role::Leaf) {
            if (policy == NullPolicy::Unset && !top_profile_property) {
                if (explicit_null)
                    p.config_error(origin,
                                   "null \"unset\" removes top-level profile properties only (" +
                                       quoted(describe(d, target)) +
                                       " is not one); use \"keep\" or \"clear\"");
                // The file-wide default: attributes are cleared, event properties left out.
                cp.on_null = d.kind == FieldKind::Attribute ? NullPolicy::Clear : NullPolicy::Keep;
            } else {
                cp.on_null = policy;
            }
        } else if (explicit_null && *rule->on_null != NullPolicy::Keep) {
            p.config_error(origin, quoted(describe(d, target)) +
                                       " cannot be cleared or unset; remove \"null\" from this "
                                       "rule");
        }
        if (d.kind == FieldKind::Attribute && cp.cast == Cast::Auto &&
            d.path.back() != "latitude" && d.path.back() != "longitude")
            cp.cast = Cast::String; // Klaviyo's attributes are strings: zip 12345 -> "12345"
        cp.depth = static_cast<int>(d.path.size());
        claim(describe(d, target), origin);
        switch (d.kind) {
        case FieldKind::Email:
        case FieldKind::ExternalId:
            has_identifier = true;
            p.early.push_back(i);
            break;
        case FieldKind::Phone:
            has_identifier = true;
            p.phone_column = static_cast<int>(i);
            break;
        case FieldKind::UniqueId:
            p.early.push_back(i);
            break;
        case FieldKind::Attribute:
            attribute_columns.emplace_back(d, i);
            p.late.push_back(i);
            break;
        case FieldKind::Metric:
            has_metric = true;
            p.late.push_back(i);
            break;
        default:
            p.late.push_back(i);
            if (cp.role == Role::Leaf) {
                cp.leaf = place_leaf(d, origin);
                p.column_leaves.push_back(cp.leaf);
            }
        }
    }
    std::vector<std::pair<Destination, const ConstantRule *>> constant_attributes;
    for (const ConstantRule &c : spec.constants) {
        Destination d;
        try {
            d = parse_destination(c.to, target);
        } catch (const std::invalid_argument &e) {
            p.config_error(c.origin, e.what());
        }
        if (d.kind == FieldKind::Email || d.kind == FieldKind::Phone ||
            d.kind == FieldKind::ExternalId || d.kind == FieldKind::Time ||
            d.kind == FieldKind::UniqueId)
            p.config_error(c.origin, quoted(c.to) +
                                         " cannot be a constant (it must differ per row); map "
                                         "a column to it instead");
        claim(describe(d, target), c.origin);
        const bool is_string = !c.json.empty() && c.json.front() == '"';
        switch (d.kind) {
        case FieldKind::Email:
        case FieldKind::Phone:
        case FieldKind::ExternalId:
        case FieldKind::Time:
        case FieldKind::UniqueId:
            break; // refused above
        case FieldKind::Metric: {
            if (!is_string)
                p.config_error(c.origin, "the metric name must be a string, e.g. \"Placed Order\"");
            if (c.json.size() <= 2 || utf8_length(c.json) - 2 > limits::max_metric_chars)
                p.config_error(c.origin, "the metric name must have 1 to 127 characters");
            p.metric_constant = c.json;
            p.metric_constant_name = decode_json_string(c.json).value_or("");
            has_metric = true;
            break;
        }
        case FieldKind::ValueCurrency:
            if (!is_string || c.json.size() != 5)
                p.config_error(c.origin, "the currency must be an ISO 4217 code such as \"EUR\"");
            p.currency_constant = c.json;
            break;
        case FieldKind::Value:
            if (!is_json_number(c.json))
                p.config_error(c.origin, "the value must be a number");
            p.value_constant = c.json;
            break;
        case FieldKind::Backfill:
            if (c.json != "true" && c.json != "false")
                p.config_error(c.origin, "backfill must be true or false");
            p.backfill_constant = c.json;
            break;
        case FieldKind::Attribute:
            if (!is_string && c.json != "null")
                p.config_error(c.origin, quoted(c.to) + " takes a string");
            constant_attributes.emplace_back(d, &c);
            break;
        case FieldKind::ProfileProperty:
        case FieldKind::EventProperty: {
            const int leaf = place_leaf(d, c.origin);
            p.leaves[static_cast<std::size_t>(leaf)].state = Leaf::State::Json;
            p.leaves[static_cast<std::size_t>(leaf)].json = c.json;
            break;
        }
        }
    }
    // Attribute leaves in the catalogue's order, whatever the column order.
    std::sort(attribute_columns.begin(), attribute_columns.end(),
              [](const auto &a, const auto &b) { return a.first.rank < b.first.rank; });
    std::sort(constant_attributes.begin(), constant_attributes.end(),
              [](const auto &a, const auto &b) { return a.first.rank < b.first.rank; });
    auto next_constant = constant_attributes.begin();
    const auto place_constants_before = [&](int rank) {
        for (; next_constant != constant_attributes.end() && next_constant->first.rank < rank;
             ++next_constant) {
            const int leaf = place_leaf(next_constant->first, next_constant->second->origin);
            p.leaves[static_cast<std::size_t>(leaf)].state = Leaf::State::Json;
            p.leaves[static_cast<std::size_t>(leaf)].json = next_constant->second->json;
        }
    };
    for (const auto &[d, i] : attribute_columns) {
        place_constants_before(d.rank);
        ColumnPlan &cp = p.column_plans[i];
        cp.leaf = place_leaf(d, describe_column(i));
        p.column_leaves.push_back(cp.leaf);
    }
    place_constants_before(1 << 30);
    if (p.phone_column >= 0)
        p.early.push_back(static_cast<std::size_t>(p.phone_column));
    // The column the record key comes from first (external_id wins a profile's key, unique_id
    // is an event's), so a row rejected for another identifier still names its record.
    const Role key_role = target == Target::Events ? Role::UniqueId : Role::ExternalId;
    std::stable_partition(p.early.begin(), p.early.end(), [&p, key_role](std::size_t i) {
        return p.column_plans[i].role == key_role;
    });

    if (!has_identifier)
        p.config_error("columns",
                       "the query has no identifier column (its columns: " + join_names(columns) +
                           "); name one email, phone_number (or phone) or external_id, by SQL "
                           "alias or in the mapping file's \"columns\"");
    if (target == Target::Events && !has_metric)
        p.config_error("event.metric",
                       "events need a metric name; set \"event\": {\"metric\": \"Placed Order\"} "
                       "in a mapping file, or add a column named metric, event or \"Event Name\"");
}

JsonMapper::~JsonMapper() = default;

void JsonMapper::set_now(Timestamp now) {
    plan_->now = now;
}

namespace {

// Appends the members of `node` (no braces); returns how many were written. Empty objects are
// left out, like absent leaves.
std::size_t emit_members(const Node &node, const std::vector<Leaf> &leaves, std::string &out) {
    std::size_t count = 0;
    for (const Node &child : node.children) {
        const std::size_t mark = out.size();
        if (count)
            out += ',';
        out += child.key;
        if (child.leaf >= 0) {
            const Leaf &leaf = leaves[static_cast<std::size_t>(child.leaf)];
            if (leaf.state != Leaf::State::Json) {
                out.resize(mark);
                continue;
            }
            out += leaf.json;
        } else {
            out += '{';
            if (emit_members(child, leaves, out) == 0) {
                out.resize(mark);
                continue;
            }
            out += '}';
        }
        ++count;
    }
    return count;
}

std::string row_text(const Value &v) {
    if (const auto t = to_text(v))
        return quote_excerpt(*t);
    return std::string("a ") + type_name(v) + " value";
}

} // namespace

MapResult JsonMapper::map(const Row &row) {
    Plan &p = *plan_;
    p.row_number = row.number;
    p.email.clear();
    p.phone.clear();
    p.external_id.clear();
    p.unique_id.clear();
    p.metric.clear();
    p.metric_name.clear();
    p.time.clear();
    p.value.clear();
    p.currency.clear();
    p.backfill.clear();
    p.warnings.clear();
    p.phone_value = nullptr;
    p.country = {};
    if (row.values.size() != p.columns.size())
        return p.reject(p.columns.size(), "internal",
                        "the row has " + std::to_string(row.values.size()) + " values for " +
                            std::to_string(p.columns.size()) + " columns");
    for (const int leaf : p.column_leaves) {
        Leaf &l = p.leaves[static_cast<std::size_t>(leaf)];
        l.state = Leaf::State::Absent;
        l.json.clear();
    }
    if (p.country_column >= 0)
        if (const auto *s =
                std::get_if<std::string>(&row.values[static_cast<std::size_t>(p.country_column)]))
            p.country = *s;

    // Identifiers (and the unique id) first, so later rejections can carry the record key.
    for (const std::size_t i : p.early) {
        const ColumnPlan &cp = p.column_plans[i];
        const Value &v = row.values[i];
        if (std::holds_alternative<Null>(v))
            continue;
        switch (cp.role) {
        case Role::Email: {
            const auto *s = std::get_if<std::string>(&v);
            if (!s)
                return p.reject(i, "invalid_email",
                                std::string("email is a ") + type_name(v) + " value, not text");
            EmailResult r = normalise_email(*s);
            if (r.status == EmailResult::Status::Invalid)
                return p.reject(i, "invalid_email", std::move(r.problem));
            p.email = std::move(r.email);
            break;
        }
        case Role::ExternalId: {
            if (std::holds_alternative<double>(v) || std::holds_alternative<Bytes>(v))
                return p.reject(i, "invalid_external_id",
                                std::string("external_id cannot be a ") + type_name(v) +
                                    " value; cast it to text or an integer in SQL");
            std::string text = *to_text(v);
            const std::string_view t = trim(text);
            if (find_invalid_utf8(t) != std::string_view::npos)
                return p.reject(i, "invalid_utf8",
                                "external_id " + quote_excerpt(t) + " is not valid UTF-8");
            if (t.size() > limits::max_string_bytes)
                return p.reject(i, "string_too_long", "external_id is longer than 100 KB");
            p.external_id.assign(t);
            break;
        }
        case Role::Phone:
            p.phone_value = &v;
            break;
        case Role::UniqueId: {
            if (std::holds_alternative<double>(v) || std::holds_alternative<Bytes>(v))
                return p.reject(i, "invalid_unique_id",
                                std::string("unique_id cannot be a ") + type_name(v) + " value");
            std::string text = *to_text(v);
            const std::string_view t = trim(text);
            if (find_invalid_utf8(t) != std::string_view::npos)
                return p.reject(i, "invalid_utf8",
                                "unique_id " + quote_excerpt(t) + " is not valid UTF-8");
            if (t.size() > limits::max_string_bytes)
                return p.reject(i, "string_too_long", "unique_id is longer than 100 KB");
            p.unique_id.assign(t);
            break;
        }
        default:
            break;
        }
    }
    if (p.phone_column >= 0) {
        const auto i = static_cast<std::size_t>(p.phone_column);
        const Value &v = row.values[i];
        std::optional<std::string> text;
        if (std::holds_alternative<std::string>(v) || std::holds_alternative<std::int64_t>(v) ||
            std::holds_alternative<Decimal>(v))
            text = to_text(v);
        else if (!std::holds_alternative<Null>(v))
            return p.reject(i, "invalid_phone",
                            std::string("phone number is a ") + type_name(v) + " value, not text");
        // A number already in E.164 is a table lookup; others go through the cache.
        const std::string_view as_is = text ? PhoneNormalizer::as_is_e164(*text) : "";
        if (!as_is.empty()) {
            p.phone.assign(as_is);
        } else if (text) {
            p.phone_cache_key.assign(p.country);
            p.phone_cache_key += '\x1f';
            p.phone_cache_key += *text;
            auto cached = p.phone_cache.find(p.phone_cache_key);
            if (cached == p.phone_cache.end()) {
                if (p.phone_cache.size() >= Plan::phone_cache_limit)
                    p.phone_cache.clear();
                cached = p.phone_cache
                             .emplace(p.phone_cache_key,
                                      p.phones.normalise(*text, p.country, p.default_region))
                             .first;
            }
            PhoneResult r = cached->second;
            if (r.status == PhoneResult::Status::Ok) {
                p.phone = std::move(r.e164);
                if (!r.extension.empty())
                    p.warnings.push_back({row.number, p.columns[i].name, "phone_extension_dropped",
                                          "extension " + quote_excerpt(r.extension) +
                                              " was dropped: E.164 has no extensions"});
            } else if (r.status == PhoneResult::Status::Invalid) {
                if (p.email.empty() && p.external_id.empty())
                    return p.reject(i, "invalid_phone", std::move(r.problem));
                p.warnings.push_back({row.number, p.columns[i].name, "invalid_phone_dropped",
                                      r.problem + "; sent without a phone number"});
            }
        }
    }
    if (p.email.empty() && p.phone.empty() && p.external_id.empty()) {
        std::vector<std::size_t> in_order = p.early;
        std::sort(in_order.begin(), in_order.end());
        std::string checked;
        for (const std::size_t i : in_order)
            if (p.column_plans[i].role != Role::UniqueId)
                checked += (checked.empty() ? "" : ", ") + p.columns[i].name;
        return p.reject(
            p.columns.size(), "missing_identifier",
            "the row has no email, phone number or external_id (all empty in: " + checked + ")");
    }

    for (const std::size_t i : p.late) {
        const ColumnPlan &cp = p.column_plans[i];
        const Value &v = row.values[i];
        const bool null = std::holds_alternative<Null>(v);
        switch (cp.role) {
        case Role::Leaf: {
            Leaf &l = p.leaves[static_cast<std::size_t>(cp.leaf)];
            if (null) {
                if (cp.on_null == NullPolicy::Clear) {
                    l.state = Leaf::State::Json;
                    l.json = "null";
                } else if (cp.on_null == NullPolicy::Unset) {
                    l.state = Leaf::State::Unset;
                }
                break;
            }
            if (auto problem = append_cast(l.json, v, cp.cast, cp.delimiter, cp.depth))
                return p.reject(i, std::move(*problem));
            l.state = Leaf::State::Json;
            break;
        }
        case Role::Metric: {
            if (null)
                return p.reject(i, "missing_metric", "the metric name is NULL");
            std::string text = to_text(v).value_or("");
            const std::string_view t = trim(text);
            if (t.empty())
                return p.reject(i, "missing_metric", "the metric name is empty");
            if (t.size() > limits::max_string_bytes ||
                find_invalid_utf8(t) != std::string_view::npos)
                return p.reject(i, "invalid_utf8",
                                "the metric name " + quote_excerpt(t) + " is not valid UTF-8");
            if (utf8_length(t) > limits::max_metric_chars)
                return p.reject(i, "metric_too_long",
                                "the metric name " + quote_excerpt(t) + " has " +
                                    std::to_string(utf8_length(t)) +
                                    " characters; Klaviyo needs fewer than 128");
            append_json_string(p.metric, t);
            p.metric_name.assign(t);
            break;
        }
        case Role::Time: {
            if (null)
                return p.reject(i, "missing_time", "the event time is NULL");
            const auto ts = to_timestamp(v);
            if (!ts)
                return p.reject(i, "invalid_time",
                                "the event time " + row_text(v) +
                                    " is not a timestamp, a date, Unix seconds or ISO-8601 text");
            if (ts->unix_seconds < limits::min_event_unix_seconds)
                return p.reject(i, "time_out_of_range",
                                "the event time " + to_iso8601(*ts) +
                                    " is before 2000-01-01, which Klaviyo refuses");
            if (ts->unix_seconds > p.now.unix_seconds + limits::max_event_future_seconds)
                return p.reject(i, "time_out_of_range",
                                "the event time " + to_iso8601(*ts) +
                                    " is more than a year ahead, which Klaviyo refuses");
            p.time = to_iso8601(*ts);
            break;
        }
        case Role::Value: {
            if (null)
                break;
            if (auto problem = append_cast(p.value, v, Cast::Number, {}, 1)) {
                if (problem->code == "invalid_cast")
                    problem->code = "invalid_value";
                return p.reject(i, std::move(*problem));
            }
            break;
        }
        case Role::Currency: {
            if (null)
                break;
            std::string text = to_text(v).value_or("");
            const std::string_view t = trim(text);
            bool ok = t.size() == 3;
            std::string code;
            for (const char c : t) {
                ok = ok && std::isalpha(static_cast<unsigned char>(c));
                code += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            }
            if (!ok)
                return p.reject(i, "invalid_currency",
                                "the currency " + row_text(v) +
                                    " is not an ISO 4217 code such as USD or EUR");
            p.currency = '"' + code + '"';
            break;
        }
        case Role::Backfill: {
            if (null)
                break;
            if (auto problem = append_cast(p.backfill, v, Cast::Boolean, {}, 1))
                return p.reject(i, std::move(*problem));
            break;
        }
        default:
            break;
        }
    }

    // The profile resource object.
    std::string &out = p.profile_out;
    out.clear();
    out += R"({"type":"profile","attributes":{)";
    bool any = false;
    const auto member = [&](const char *key, const std::string &text) {
        if (text.empty())
            return;
        if (any)
            out += ',';
        out += key;
        append_json_string(out, text);
        any = true;
    };
    member(R"("email":)", p.email);
    member(R"("phone_number":)", p.phone);
    member(R"("external_id":)", p.external_id);
    {
        const std::size_t mark = out.size();
        if (any)
            out += ',';
        if (emit_members(p.attributes, p.leaves, out) == 0)
            out.resize(mark);
    }
    std::size_t profile_property_count = 0;
    {
        const std::size_t mark = out.size();
        out += R"(,"properties":{)";
        profile_property_count = emit_members(p.profile_properties, p.leaves, out);
        if (profile_property_count == 0)
            out.resize(mark);
        else
            out += '}';
    }
    if (profile_property_count > limits::max_properties)
        return p.reject(p.columns.size(), "too_many_properties",
                        "the profile has " + std::to_string(profile_property_count) +
                            " properties; Klaviyo allows " +
                            std::to_string(limits::max_properties));
    std::string &unset = p.scratch;
    unset.clear();
    for (const Node &n : p.profile_properties.children)
        if (n.leaf >= 0 && p.leaves[static_cast<std::size_t>(n.leaf)].state == Leaf::State::Unset) {
            unset += unset.empty() ? '[' : ',';
            append_json_string(unset, n.name);
        }
    const bool events = p.target == Target::Events;
    if (!unset.empty()) {
        unset += ']';
        out += events ? R"(,"meta":{"patch_properties":{"unset":)"
                      : R"(},"meta":{"patch_properties":{"unset":)";
        out += unset;
        out += events ? "}}}}" : "}}}";
    } else {
        out += "}}";
    }
    if (out.size() > limits::max_profile_bytes)
        return p.reject(p.columns.size(), "profile_too_large",
                        "the profile is " + std::to_string(out.size()) +
                            " bytes as JSON; Klaviyo allows 100 KB");

    Record record;
    record.row_number = row.number;
    if (!events) {
        record.key = profile_key(p.external_id, p.email, p.phone);
    } else {
        std::string &props = p.props;
        props.clear();
        props += '{';
        const std::size_t event_property_count = emit_members(p.event_properties, p.leaves, props);
        props += '}';
        if (event_property_count > limits::max_properties)
            return p.reject(p.columns.size(), "too_many_properties",
                            "the event has " + std::to_string(event_property_count) +
                                " properties; Klaviyo allows " +
                                std::to_string(limits::max_properties));
        const std::string &metric = p.metric.empty() ? p.metric_constant : p.metric;
        const std::string &value = p.value.empty() ? p.value_constant : p.value;
        if (p.unique_id.empty()) {
            // Derived unique id (docs/mapping.md): the same row always gives the same id, so
            // re-running a query never double-counts in Klaviyo.
            p.sha.update("connector-event-v1\n");
            p.sha.update(p.metric.empty() ? p.metric_constant_name : p.metric_name);
            p.sha.update("\n");
            p.sha.update(profile_key(p.external_id, p.email, p.phone));
            p.sha.update("\n");
            p.sha.update(p.time);
            p.sha.update("\n");
            p.sha.update(value);
            p.sha.update("\n");
            p.sha.update(props);
            p.unique_id = p.sha.hex_digest();
        }
        std::string &ev = p.event_out;
        ev.clear();
        ev += R"({"type":"event","attributes":{"properties":)";
        ev += props;
        ev += R"(,"metric":{"data":{"type":"metric","attributes":{"name":)";
        ev += metric;
        ev += "}}}";
        if (!p.time.empty()) {
            ev += R"(,"time":")";
            ev += p.time;
            ev += '"';
        }
        if (!value.empty()) {
            ev += R"(,"value":)";
            ev += value;
        }
        const std::string &currency = p.currency.empty() ? p.currency_constant : p.currency;
        if (!currency.empty()) {
            ev += R"(,"value_currency":)";
            ev += currency;
        }
        ev += R"(,"unique_id":)";
        append_json_string(ev, p.unique_id);
        const std::string &backfill = p.backfill.empty() ? p.backfill_constant : p.backfill;
        if (!backfill.empty()) {
            ev += R"(,"backfill":)";
            ev += backfill;
        }
        ev += "}}";
        if (ev.size() + out.size() > limits::max_event_bytes)
            return p.reject(p.columns.size(), "event_too_large",
                            "the event is " + std::to_string(ev.size() + out.size()) +
                                " bytes as JSON; Klaviyo allows 5 MB");
        record.key = p.unique_id;
        record.event = ev;
    }
    record.profile = out;
    p.sha.update(record.profile);
    p.sha.update(record.event);
    record.hash = p.sha.hex_digest();
    record.warnings = p.warnings;
    return record;
}

} // namespace connector::mapping
