#include "app/target_upload.hpp"

namespace bulkmsg::app {

namespace {

constexpr std::size_t kInsertBatch = 1000;
constexpr std::size_t kWritesInFlight = 2;

}  // namespace

TargetUpload::TargetUpload(TargetStore& targets, CampaignStore& campaigns, CampaignProgress& progress,
                           std::uint64_t campaign_id, domain::Channel kind, std::string content_type, std::string actor)
    : targets_(targets),
      campaigns_(campaigns),
      progress_(progress),
      campaign_id_(campaign_id),
      content_type_(std::move(content_type)),
      actor_(std::move(actor)),
      writes_(kWritesInFlight,
              [this](TargetInsertResult result) {
                  report_.totals.accepted += result.accepted;
                  report_.totals.duplicates += result.duplicates;
              }),
      reader_(
          domain::MakeTargetReader(content_type_, kind, [this](domain::TargetRow&& row) { Take(std::move(row)); })) {}

void TargetUpload::Take(domain::TargetRow&& row) {
    if (row.target) {
        batch_.push_back(std::move(*row.target));
        if (batch_.size() >= kInsertBatch) {
            Flush();
        }
        return;
    }
    ++report_.rejected;
    for (auto& e : row.errors) {
        if (report_.errors.size() < kMaxReportedErrors) {
            report_.errors.push_back({row.row, std::move(e.field), std::move(e.reason)});
        }
    }
}

void TargetUpload::Flush() {
    if (batch_.empty()) {
        return;
    }
    writes_.Start([this, rows = std::move(batch_)] { return targets_.InsertTargets(campaign_id_, rows); });
    batch_.clear();
}

void TargetUpload::Feed(std::string_view chunk) {
    reader_->Feed(chunk);
}

UploadReport TargetUpload::Finish() {
    reader_->Finish();
    return Close();
}

UploadReport TargetUpload::Abandon() {
    return Close();
}

UploadReport TargetUpload::Close() {
    Flush();
    writes_.Finish();
    progress_.Forget(campaign_id_);
    campaigns_.RecordEvent(campaign_id_, {"targets_added",
                                          actor_,
                                          {{"accepted", report_.totals.accepted},
                                           {"duplicates", report_.totals.duplicates},
                                           {"rejected", report_.rejected},
                                           {"content_type", content_type_}}});
    return report_;
}

TargetUploads::TargetUploads(TargetStore& targets, CampaignStore& campaigns, CampaignProgress& progress)
    : targets_(targets), campaigns_(campaigns), progress_(progress) {}

TargetUploads::Start TargetUploads::Begin(std::uint64_t campaign_id, const std::string& content_type,
                                          const std::string& actor) {
    Start start;
    const auto campaign = campaigns_.GetCampaign(campaign_id);
    if (!campaign) {
        return start;
    }
    start.status = campaign->status;
    if (!domain::AcceptsTargets(campaign->status)) {
        start.refusal = Refusal::kNotAcceptingTargets;
        return start;
    }
    start.refusal = Refusal::kNone;
    start.upload = std::make_unique<TargetUpload>(targets_, campaigns_, progress_, campaign_id, campaign->content.kind,
                                                  content_type, actor);
    return start;
}

}  // namespace bulkmsg::app
