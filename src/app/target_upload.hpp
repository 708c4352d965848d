#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/campaign_progress.hpp"
#include "app/campaign_store.hpp"
#include "app/concurrent_writes.hpp"
#include "app/target_store.hpp"
#include "domain/target_reader.hpp"

namespace bulkmsg::app {

/// What an upload stored and refused.
struct UploadReport {
    struct RowError {
        std::uint64_t row = 0;
        std::string field;
        std::string reason;
    };
    TargetInsertResult totals;
    std::uint64_t rejected = 0;
    std::vector<RowError> errors;  // the first kMaxReportedErrors of the rejected rows' reasons
};

/// One streamed upload of targets into a campaign: Feed it the body piece by piece, then Finish, or Abandon when
/// the body broke off. Rows are parsed as they arrive and stored in batches of 1,000, two batches writing while
/// the next is parsed, so memory stays bounded whatever the upload's size. Rows are stored one by one: those
/// before a break stay stored, and sending the whole body again is safe (they count as duplicates). Either end
/// records `targets_added` in the audit trail. Not thread-safe (one per request).
class TargetUpload {
public:
    static constexpr std::size_t kMaxReportedErrors = 100;

    TargetUpload(TargetStore& targets, CampaignStore& campaigns, CampaignProgress& progress, std::uint64_t campaign_id,
                 domain::Channel kind, std::string content_type, std::string actor);

    /// False when the content type is none the reader knows (nothing can be fed then).
    bool Readable() const { return reader_ != nullptr; }
    void Feed(std::string_view chunk);
    UploadReport Finish();
    /// Stores the rows read before the body broke off.
    UploadReport Abandon();

private:
    void Take(domain::TargetRow&& row);
    void Flush();
    UploadReport Close();

    TargetStore& targets_;
    CampaignStore& campaigns_;
    CampaignProgress& progress_;
    std::uint64_t campaign_id_;
    std::string content_type_;
    std::string actor_;
    UploadReport report_;
    std::vector<domain::Target> batch_;
    ConcurrentWrites<TargetInsertResult> writes_;
    std::unique_ptr<domain::TargetReader> reader_;
};

/// Starts uploads: checks that the campaign exists and still accepts targets.
class TargetUploads {
public:
    enum class Refusal { kNone, kNotFound, kNotAcceptingTargets };
    struct Start {
        Refusal refusal = Refusal::kNotFound;
        domain::CampaignStatus status = domain::CampaignStatus::kDraft;  // the campaign's, when refused for it
        std::unique_ptr<TargetUpload> upload;
    };

    TargetUploads(TargetStore& targets, CampaignStore& campaigns, CampaignProgress& progress);
    Start Begin(std::uint64_t campaign_id, const std::string& content_type, const std::string& actor);

private:
    TargetStore& targets_;
    CampaignStore& campaigns_;
    CampaignProgress& progress_;
};

}  // namespace bulkmsg::app
