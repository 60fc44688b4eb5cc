package io.museflow.data;

import java.io.Reader;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code metadata/partition.csv} ({@code Id, Proposal}). Identical duplicated rows are a known quirk
 * of the packages and are tolerated; an id listed in two different partitions is an error.
 */
public record PartitionTable(String source, Map<String, Partition> byVideo, int duplicatedRows) {

    public static PartitionTable read(Reader reader, String source) {
        try (CsvLines csv = new CsvLines(reader, source)) {
            int idCol = csv.requireColumn("Id");
            int propCol = csv.requireColumn("Proposal");
            int[] bounds = new int[2 * csv.header().length];
            Map<String, Partition> map = new LinkedHashMap<>();
            Map<String, Long> firstLine = new LinkedHashMap<>();
            int duplicated = 0;
            String line;
            while ((line = csv.next()) != null) {
                csv.split(line, bounds);
                String id = line.substring(bounds[2 * idCol], bounds[2 * idCol + 1]).trim();
                String prop = line.substring(bounds[2 * propCol], bounds[2 * propCol + 1]).trim();
                if (id.isEmpty()) {
                    throw InputDataException.at(source, csv.lineNo(), "empty Id");
                }
                Partition p = Partition.parse(prop);
                if (p == null) {
                    throw InputDataException.at(source, csv.lineNo(), "Proposal '" + prop
                            + "' is not one of train, devel, test");
                }
                Partition before = map.putIfAbsent(id, p);
                if (before != null) {
                    if (before != p) {
                        throw InputDataException.at(source, csv.lineNo(), "video " + id + " is listed as " + p.id()
                                + " here and as " + before.id() + " at line " + firstLine.get(id));
                    }
                    duplicated++;
                } else {
                    firstLine.put(id, csv.lineNo());
                }
            }
            if (map.isEmpty()) {
                throw new InputDataException(source + ": header only, no partition rows");
            }
            return new PartitionTable(source, Collections.unmodifiableMap(map), duplicated);
        }
    }
}
