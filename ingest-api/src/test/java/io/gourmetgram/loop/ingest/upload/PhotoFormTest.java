package io.gourmetgram.loop.ingest.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.support.problem.ApiProblem;
import io.gourmetgram.loop.support.problem.ProblemType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PhotoFormTest {

    private static final String TYPE = "multipart/form-data; boundary=";

    @Test
    void everySharedPhotoComesOutOfACurlStyleFormByteForByte() throws Exception {
        String boundary = "------------------------d74496d66958873e";
        for (Path photo : SharedFixtures.food11Photos()) {
            byte[] bytes = Files.readAllBytes(photo);
            byte[] form = form(boundary, part("file", "photo.jpg", bytes));
            assertThat(PhotoForm.of(TYPE + boundary).part(form, "file"))
                    .as(photo.toString())
                    .isEqualTo(bytes);
        }
    }

    @Test
    void theFileFieldIsFoundAmongOtherFieldsAfterAPreambleWithAQuotedBoundary() {
        String boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
        byte[] photo = photoContaining("\r\n--" + boundary.substring(0, 20)); // a near-boundary inside the photo
        byte[] form = concat(
                "a preamble that readers ignore\r\n".getBytes(StandardCharsets.US_ASCII),
                form(
                        boundary,
                        part("caption", null, "soup".getBytes(StandardCharsets.UTF_8)),
                        part("file", "x.jpg", photo)));
        assertThat(PhotoForm.of("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"" + boundary + "\"")
                        .part(form, "file"))
                .isEqualTo(photo);
    }

    @Test
    void theFirstOfTwoFileFieldsWinsAndAnEmptyOneIsEmpty() {
        String boundary = "b";
        byte[] form = form(boundary, part("file", "a.jpg", new byte[0]), part("file", "b.jpg", new byte[] {1, 2}));
        assertThat(PhotoForm.of(TYPE + boundary).part(form, "file")).isEmpty();
    }

    @Test
    void aFormWithoutTheFieldHasNoPart() {
        String boundary = "xyz";
        byte[] form = form(boundary, part("photo", "a.jpg", new byte[] {1, 2, 3}));
        assertThat(PhotoForm.of(TYPE + boundary).part(form, "file")).isNull();
    }

    @Test
    void aNameMatchesOnlyAsAWholeParameter() {
        assertThat(PhotoForm.nameOf("Content-Disposition: form-data; filename=\"file\"; name=\"upload\""))
                .isEqualTo("upload");
        assertThat(PhotoForm.nameOf("content-disposition: form-data; name=file\r\nContent-Type: image/jpeg"))
                .isEqualTo("file");
        assertThat(PhotoForm.nameOf("Content-Type: image/jpeg")).isNull();
    }

    @Test
    void aTypeWithoutABoundaryOrOfAnotherKindIsUnreadable() {
        for (String type : new String[] {
            "multipart/form-data",
            "multipart/form-data; boundary=",
            "multipart/form-data; boundary=" + "x".repeat(71),
            "image/jpeg; boundary=x",
            null
        }) {
            assertUnreadable(() -> PhotoForm.of(type));
        }
    }

    @Test
    void aFormCutOffOrWithoutBoundariesIsUnreadable() {
        String boundary = "cut";
        byte[] whole = form(boundary, part("file", "a.jpg", photoContaining("")));
        PhotoForm form = PhotoForm.of(TYPE + boundary);
        assertUnreadable(() -> form.part(Arrays.copyOf(whole, whole.length - 12), "file"));
        assertUnreadable(() -> form.part(Arrays.copyOf(whole, 40), "file"));
        assertUnreadable(() -> form.part("garbage".getBytes(StandardCharsets.US_ASCII), "file"));
        assertUnreadable(() -> form.part(new byte[0], "file"));
    }

    private static void assertUnreadable(Runnable parse) {
        assertThatThrownBy(parse::run)
                .isInstanceOfSatisfying(
                        ApiProblem.class, p -> assertThat(p.problemType()).isEqualTo(ProblemType.BAD_REQUEST))
                .hasMessageContaining("multipart form could not be read");
    }

    private static byte[] photoContaining(String text) {
        byte[] noise = new byte[200_000];
        new Random(7).nextBytes(noise);
        byte[] inside = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(inside, 0, noise, 1000, inside.length);
        return noise;
    }

    private static byte[] part(String name, String fileName, byte[] content) {
        String headers = "Content-Disposition: form-data; name=\"" + name + "\""
                + (fileName == null ? "" : "; filename=\"" + fileName + "\"\r\nContent-Type: image/jpeg") + "\r\n\r\n";
        return concat(headers.getBytes(StandardCharsets.UTF_8), content);
    }

    private static byte[] form(String boundary, byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(("--" + boundary + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(part);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
