// Private: the two engines behind rampart::Database.
#pragma once

#include <memory>
#include <string>

#include <rampart/common/database.h>

namespace rampart::internal {

[[nodiscard]] std::unique_ptr<Database> OpenSqlite(const std::string& path,
                                                   const DatabaseOptions& options);
[[nodiscard]] std::unique_ptr<Database> OpenPostgres(const std::string& uri,
                                                     const DatabaseOptions& options);

}  // namespace rampart::internal
