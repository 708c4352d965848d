#include "domain/env_file.hpp"

#include <gtest/gtest.h>

namespace bulkmsg::domain {
namespace {

TEST(EnvFileTest, ParsesPlainQuotedAndExportedValues) {
    auto vars = ParseEnvFile(
        "# comment\n"
        "\n"
        "DB_HOST=127.0.0.1\n"
        "export DB_PORT = 3306 \n"
        "DB_PASSWORD=\"p#ss \\\"word\\\"\\n\"  # trailing comment\n"
        "SMS_SENDER_ID='+1 $literal \\n'\n"
        "EMAIL_FROM=a@b.c # inline comment\n"
        "EMAIL_FROM_NAME=ACME#1\n"
        "EMPTY=\n");
    EXPECT_EQ(vars["DB_HOST"], "127.0.0.1");
    EXPECT_EQ(vars["DB_PORT"], "3306");
    EXPECT_EQ(vars["DB_PASSWORD"], "p#ss \"word\"\n");
    EXPECT_EQ(vars["SMS_SENDER_ID"], "+1 $literal \\n");
    EXPECT_EQ(vars["EMAIL_FROM"], "a@b.c");
    EXPECT_EQ(vars["EMAIL_FROM_NAME"], "ACME#1");
    EXPECT_EQ(vars["EMPTY"], "");
    EXPECT_EQ(vars.size(), 7u);
}

TEST(EnvFileTest, LaterLinesWinAndCrlfIsAccepted) {
    auto vars = ParseEnvFile("A=1\r\nA=2\r\n");
    EXPECT_EQ(vars["A"], "2");
}

TEST(EnvFileTest, ReportsTheLineOfAMalformedEntry) {
    try {
        ParseEnvFile("A=1\n\nthis is not an assignment\n");
        FAIL() << "expected EnvFileError";
    } catch (const EnvFileError& e) {
        EXPECT_EQ(e.Line(), 3);
        EXPECT_STREQ(e.what(), "line 3: expected KEY=VALUE");
    }
}

TEST(EnvFileTest, RejectsBadNamesAndUnterminatedQuotes) {
    EXPECT_THROW(ParseEnvFile("1ABC=x"), EnvFileError);
    EXPECT_THROW(ParseEnvFile("A-B=x"), EnvFileError);
    EXPECT_THROW(ParseEnvFile("=x"), EnvFileError);
    EXPECT_THROW(ParseEnvFile("A=\"open"), EnvFileError);
    EXPECT_THROW(ParseEnvFile("A=\"x\" y"), EnvFileError);
}

}  // namespace
}  // namespace bulkmsg::domain
