#include "domain/providers/webhook_signature.hpp"

#include <gtest/gtest.h>

namespace bulkmsg::domain {
namespace {

// Test vectors from shared/docs/providers.md §1.6 and §2.6.
constexpr const char* kSendgridKey =
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/"
    "1FwCM/QmGUhA==";
constexpr const char* kSendgridSignature =
    "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=";
constexpr const char* kSendgridTimestamp = "1588788367";
constexpr const char* kSendgridBody =
    R"({"category":"example_payload","event":"test_event","message_id":"message_id"})";

TEST(SendgridWebhookTest, VerifiesTheDocumentedVector) {
    EXPECT_TRUE(VerifySendgridEventSignature(kSendgridKey, kSendgridSignature, kSendgridTimestamp, kSendgridBody));
}

TEST(SendgridWebhookTest, RejectsAnyChangedByte) {
    std::string body = kSendgridBody;
    body[5] = 'C';
    EXPECT_FALSE(VerifySendgridEventSignature(kSendgridKey, kSendgridSignature, kSendgridTimestamp, body));
    EXPECT_FALSE(VerifySendgridEventSignature(kSendgridKey, kSendgridSignature, "1588788368", kSendgridBody));
    std::string signature = kSendgridSignature;
    signature[10] = signature[10] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(VerifySendgridEventSignature(kSendgridKey, signature, kSendgridTimestamp, kSendgridBody));
    EXPECT_FALSE(VerifySendgridEventSignature("not-a-key", kSendgridSignature, kSendgridTimestamp, kSendgridBody));
    EXPECT_FALSE(VerifySendgridEventSignature(kSendgridKey, "%%%", kSendgridTimestamp, kSendgridBody));
}

const FormFields kTwilioParams = {{"CallSid", "CA1234567890ABCDE"},
                                  {"Caller", "+14158675309"},
                                  {"Digits", "1234"},
                                  {"From", "+14158675309"},
                                  {"To", "+18005551212"}};

TEST(TwilioWebhookTest, ComputesTheDocumentedSignature) {
    EXPECT_EQ(TwilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", kTwilioParams),
              "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    EXPECT_EQ(TwilioSignature("12345", "https://mycompany.com:443/myapp.php?foo=1&bar=2", kTwilioParams),
              "kvajT1Ptam85bY51eRf/AJRuM3w=");
    const std::string hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    EXPECT_EQ(TwilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=" + hash, {}),
              "a9nBmqA0ju/hNViExpshrM61xv4=");
}

TEST(TwilioWebhookTest, VerifiesWithOrWithoutTheDefaultPort) {
    const std::string url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    EXPECT_TRUE(VerifyTwilioSignature("12345", url, kTwilioParams, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    EXPECT_TRUE(VerifyTwilioSignature("12345", url, kTwilioParams, "kvajT1Ptam85bY51eRf/AJRuM3w="));
    EXPECT_TRUE(VerifyTwilioSignature("12345", "https://mycompany.com:443/myapp.php?foo=1&bar=2", kTwilioParams,
                                      "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    EXPECT_FALSE(VerifyTwilioSignature("12346", url, kTwilioParams, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    auto changed = kTwilioParams;
    changed[2].second = "1235";
    EXPECT_FALSE(VerifyTwilioSignature("12345", url, changed, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
}

}  // namespace
}  // namespace bulkmsg::domain
