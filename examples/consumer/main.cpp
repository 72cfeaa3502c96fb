// Uses the installed rampart libraries: validates privacy parameters and renders a small
// Markdown report from a CSV file, the way a C++ program embedding rampart would.
#include <fstream>
#include <iostream>

#include <rampart/common/csv_reader.h>
#include <rampart/common/error.h>
#include <rampart/common/markdown_writer.h>
#include <rampart/common/version.h>
#include <rampart/privacy/parameters.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer FILE.csv\n";
    return 2;
  }
  try {
    const double epsilon = rampart::privacy::CheckEpsilon(1.0);
    std::ifstream in(argv[1], std::ios::binary);
    rampart::CsvReader reader(in, {.source_name = argv[1]});
    rampart::Table table;
    rampart::CsvRow row;
    while (reader.ReadRow(row)) {
      if (table.headers.empty())
        table.headers = row.fields;
      else
        table.rows.push_back(row.fields);
    }
    rampart::MarkdownWriter md;
    md.Heading(1, std::string("rampart ") + rampart::kVersion + " consumer")
        .Paragraph("epsilon = " + std::to_string(epsilon))
        .AddTable(table);
    std::cout << md.str();
  } catch (const rampart::Error& error) {
    std::cerr << "consumer: " << error.what() << '\n';
    return 2;
  }
  return 0;
}
