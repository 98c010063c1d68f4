#pragma once

#include "api_errors.hpp"

#include <optional>
#include <string>
#include <vector>

namespace connector::klaviyo {

/// A profile-bulk-import-job resource (the 202 of a submission or a poll's 200).
struct JobStatus {
    std::string id;
    std::string status;        ///< "queued", "processing", "complete", "cancelled"
    long total_count = -1;     ///< -1 when absent
    long completed_count = -1; ///< -1 when absent
    long failed_count = -1;    ///< -1 when absent
    bool finished() const { return status == "complete" || status == "cancelled"; }
};

/// Parses {"data":{"type":"profile-bulk-import-job","id":..,"attributes":{..}}}. Nullopt when
/// the body is not such a document or has no id.
std::optional<JobStatus> parse_job_status(const std::string &body);

/// One import error with what identifies its profile.
struct ImportError {
    ApiError error;
    /// connector::profile_key() of original_payload ("" when it names no identifier).
    std::string key;
};

/// A page of GET .../import-errors.
struct ImportErrorPage {
    std::vector<ImportError> errors;
    std::string next; ///< links.next, "" on the last page
};

/// Parses an import-errors page. original_payload may be the profile resource object or its
/// attributes; both are understood. Nullopt when the body is not a JSON object with a data
/// array.
std::optional<ImportErrorPage> parse_import_errors(const std::string &body);

} // namespace connector::klaviyo
