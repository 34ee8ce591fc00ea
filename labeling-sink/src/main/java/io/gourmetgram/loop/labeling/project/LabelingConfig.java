package io.gourmetgram.loop.labeling.project;

import java.util.List;

/**
 * The Label Studio labeling interface for review tasks, generated from the model's labels: the
 * photo, what the model said and why it is here, and one inline single choice of class.
 */
public final class LabelingConfig {

    private LabelingConfig() {}

    public static String forLabels(List<String> labels) {
        StringBuilder xml = new StringBuilder("""
                <View>
                  <Header value="Model says: $predictedLabel ($confidence)"/>
                  <Header value="Why you see it: $reasons"/>
                  <Header value="Uploader's correction: $userCorrection"/>
                  <Image name="image" value="$image" maxWidth="640px"/>
                  <Choices name="label" toName="image" choice="single-radio" showInline="true" required="true">
                """);
        for (String label : labels) {
            xml.append("    <Choice value=\"").append(escape(label)).append("\"/>\n");
        }
        return xml.append("  </Choices>\n</View>\n").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("\"", "&quot;")
                .replace("<", "&lt;")
                .replace(">", "&gt;");
    }
}
