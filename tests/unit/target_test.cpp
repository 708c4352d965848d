#include "domain/target.hpp"

#include <gtest/gtest.h>

#include "domain/target_reader.hpp"

namespace bulkmsg::domain {
namespace {

TEST(TargetValidationTest, EmailAddresses) {
    for (const char* ok : {"ana@example.com", "a.b+tag@mail.example.co.uk", "x_y-z@sub-domain.example.org"}) {
        EXPECT_TRUE(IsValidEmail(ok)) << ok;
    }
    for (const char* bad : {"", "ana", "@example.com", "ana@", "ana@example", "ana@@example.com", "a..b@example.com",
                            ".a@example.com", "ana@-example.com", "ana@exa mple.com", "an a@example.com",
                            "ana@example..com", "'; DROP TABLE outbox; --@x.com"}) {
        EXPECT_FALSE(IsValidEmail(bad)) << bad;
    }
    EXPECT_FALSE(IsValidEmail(std::string(65, 'a') + "@example.com"));
}

TEST(TargetValidationTest, E164NumbersAndPushTokens) {
    EXPECT_TRUE(IsValidE164("+15005550006"));
    EXPECT_TRUE(IsValidE164("+819012345678"));
    for (const char* bad :
         {"15005550006", "+0123456789", "+1 500 555", "+1234567", "+1234567890123456", "+1500555000a"}) {
        EXPECT_FALSE(IsValidE164(bad)) << bad;
    }
    EXPECT_TRUE(IsValidPushToken(std::string(64, 'a')));
    EXPECT_TRUE(IsValidPushToken("fcm:APA91bH" + std::string(140, 'x')));
    EXPECT_FALSE(IsValidPushToken("short"));
    EXPECT_FALSE(IsValidPushToken(std::string(40, 'a') + " " + std::string(40, 'a')));
}

TEST(TargetValidationTest, TimezonesComeFromTheTzDatabase) {
    EXPECT_TRUE(IsValidTimezone("UTC"));
    EXPECT_TRUE(IsValidTimezone("Asia/Tokyo"));
    EXPECT_TRUE(IsValidTimezone("America/New_York"));
    EXPECT_FALSE(IsValidTimezone("Mars/Olympus"));
    EXPECT_FALSE(IsValidTimezone(""));
    EXPECT_FALSE(IsValidTimezone("../../etc/passwd"));
}

TEST(TargetValidationTest, TargetFromJsonReportsEveryBadField) {
    std::vector<FieldError> errors;
    auto target = TargetFromJson({{"user_ref", "+15005550006"},
                                  {"kind", "sms"},
                                  {"timezone", "Asia/Tokyo"},
                                  {"metadata", {{"first_name", "Ana"}}}},
                                 Channel::kEmail, errors);
    ASSERT_TRUE(target);
    EXPECT_TRUE(errors.empty());
    EXPECT_EQ(target->kind, Channel::kSms);
    EXPECT_EQ(target->timezone, "Asia/Tokyo");
    EXPECT_EQ(target->metadata.at("first_name"), "Ana");

    EXPECT_FALSE(TargetFromJson({{"user_ref", "nope"}, {"timezone", "Nowhere"}, {"metadata", 3}, {"color", "red"}},
                                Channel::kEmail, errors));
    std::vector<std::string> fields;
    for (const auto& e : errors) {
        fields.push_back(e.field);
    }
    EXPECT_EQ(fields, (std::vector<std::string>{"color", "user_ref", "timezone", "metadata"}));
}

TEST(TargetValidationTest, IdempotencyKeyIsTheOriginalFormula) {
    // printf '42:ana@example.com:email' | sha256sum
    EXPECT_EQ(IdempotencyKey(42, "ana@example.com", Channel::kEmail),
              "aacfd63b777d8d9e5fdd65e2888e368e48b111f9552536efc8ce83cb9f091ff9");
}

// Feeds `body` to a reader in chunks of `chunk` bytes and collects the rows.
std::vector<TargetRow> Read(std::string_view type, std::string_view body, std::size_t chunk = 1 << 20) {
    std::vector<TargetRow> rows;
    auto reader = MakeTargetReader(type, Channel::kEmail, [&rows](TargetRow&& row) { rows.push_back(std::move(row)); });
    EXPECT_TRUE(reader);
    for (std::size_t i = 0; i < body.size(); i += chunk) {
        reader->Feed(body.substr(i, chunk));
    }
    reader->Finish();
    return rows;
}

std::vector<std::string> UserRefs(const std::vector<TargetRow>& rows) {
    std::vector<std::string> refs;
    for (const auto& row : rows) {
        refs.push_back(row.target ? row.target->user_ref : "!" + row.errors.at(0).field);
    }
    return refs;
}

TEST(TargetReaderTest, CsvWithQuotesNewlinesCrlfAndMetadata) {
    const std::string csv =
        "user_ref,timezone,first_name,note\r\n"
        "ana@example.com,Asia/Tokyo,Ana,\"likes \"\"quotes\"\", commas\"\r\n"
        "bo@example.com,,Bo,\"two\nlines\"\r\n"
        "bad-address,,C,x\r\n"
        "too,few\r\n";
    for (std::size_t chunk : {1, 3, 7, 4096}) {
        const auto rows = Read("text/csv; charset=utf-8", csv, chunk);
        ASSERT_EQ(rows.size(), 4u) << chunk;
        EXPECT_EQ(UserRefs(rows), (std::vector<std::string>{"ana@example.com", "bo@example.com", "!user_ref", "!row"}));
        EXPECT_EQ(rows[0].target->timezone, "Asia/Tokyo");
        EXPECT_EQ(rows[0].target->metadata.at("note"), "likes \"quotes\", commas");
        EXPECT_EQ(rows[1].target->timezone, "UTC");
        EXPECT_EQ(rows[1].target->metadata.at("note"), "two\nlines");
        EXPECT_EQ(rows[3].row, 4u);
    }
}

TEST(TargetReaderTest, CsvStructuralErrors) {
    EXPECT_EQ(UserRefs(Read("text/csv", "email,name\nana@example.com,Ana\n")), (std::vector<std::string>{"!body"}));
    EXPECT_EQ(UserRefs(Read("text/csv", "user_ref,a,a\n")), (std::vector<std::string>{"!body"}));
    EXPECT_EQ(UserRefs(Read("text/csv", "user_ref\n\"ana@example.com\n")), (std::vector<std::string>{"!body"}));
    EXPECT_EQ(UserRefs(Read("text/csv", "")), (std::vector<std::string>{"!body"}));
    // No trailing newline, a byte order mark and blank lines are fine.
    EXPECT_EQ(UserRefs(Read("text/csv", "\xEF\xBB\xBFuser_ref\n\nana@example.com")),
              (std::vector<std::string>{"ana@example.com"}));
}

TEST(TargetReaderTest, NdjsonRowsAreIndependent) {
    const std::string body =
        "{\"user_ref\":\"ana@example.com\"}\n\n{not json}\n{\"user_ref\":\"bo@example.com\",\"kind\":\"fax\"}\n"
        "{\"user_ref\":\"cy@example.com\"}";
    for (std::size_t chunk : {1, 5, 4096}) {
        EXPECT_EQ(UserRefs(Read("application/x-ndjson", body, chunk)),
                  (std::vector<std::string>{"ana@example.com", "!row", "!kind", "cy@example.com"}));
    }
}

TEST(TargetReaderTest, JsonArrayIsSplitIntoElementsWithoutHoldingIt) {
    const std::string body =
        R"( [ {"user_ref":"ana@example.com","metadata":{"s":"a,]}\"["}}, {"user_ref":"x"} ,{"user_ref":"bo@example.com"} ] )";
    for (std::size_t chunk : {1, 2, 9, 4096}) {
        const auto rows = Read("application/json", body, chunk);
        ASSERT_EQ(UserRefs(rows), (std::vector<std::string>{"ana@example.com", "!user_ref", "bo@example.com"}));
        EXPECT_EQ(rows[0].target->metadata.at("s"), "a,]}\"[");
    }
    EXPECT_TRUE(Read("application/json", "[]").empty());
    EXPECT_EQ(UserRefs(Read("application/json", "{\"user_ref\":\"ana@example.com\"}")),
              (std::vector<std::string>{"!body"}));
    EXPECT_EQ(UserRefs(Read("application/json", "[{\"user_ref\":\"ana@example.com\"},")),
              (std::vector<std::string>{"ana@example.com", "!body"}));
    EXPECT_EQ(UserRefs(Read("application/json", "[1,,2]")), (std::vector<std::string>{"!row", "!body"}));
    EXPECT_EQ(UserRefs(Read("application/json", "[] x")), (std::vector<std::string>{"!body"}));
}

TEST(TargetReaderTest, OverlongRowsAreRefusedNotBuffered) {
    const std::string huge(TargetReader::kMaxRowBytes + 10, 'a');
    EXPECT_EQ(UserRefs(Read("application/x-ndjson", huge + "\n{\"user_ref\":\"ana@example.com\"}\n", 4096)),
              (std::vector<std::string>{"!row", "ana@example.com"}));
    EXPECT_EQ(UserRefs(Read("text/csv", "user_ref\n" + huge + "\nana@example.com\n", 4096)),
              (std::vector<std::string>{"!row", "ana@example.com"}));
}

TEST(TargetReaderTest, UnknownContentTypeHasNoReader) {
    EXPECT_FALSE(MakeTargetReader("application/xml", Channel::kEmail, [](TargetRow&&) {}));
    EXPECT_TRUE(MakeTargetReader("Application/JSON; charset=UTF-8", Channel::kEmail, [](TargetRow&&) {}));
}

}  // namespace
}  // namespace bulkmsg::domain
