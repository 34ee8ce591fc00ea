package io.gourmetgram.loop.events;

import java.util.List;

/** The Food-11 classes in the order the seed model outputs them. Models declare their own labels; this is the default. */
public final class Food11 {

    public static final List<String> LABELS = List.of(
            "Bread",
            "Dairy product",
            "Dessert",
            "Egg",
            "Fried food",
            "Meat",
            "Noodles/Pasta",
            "Rice",
            "Seafood",
            "Soup",
            "Vegetable/Fruit");

    private Food11() {}
}
